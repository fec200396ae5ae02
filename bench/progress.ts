/**
 * bench:progress: acknowledged progress updates per second over HTTP from many signed-in
 * viewers, with p50/p99 latency, then Continue Watching reads per second; on SQLite and on
 * PostgreSQL (when reachable). The server runs in its own process; this one only sends load.
 * Usage: npm run bench:progress [-- --json] [--seconds 10] [--viewers 200] [--concurrency 64]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMarquee } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { apiClient } from '../test/support/client.ts';
import { postgresForTests } from '../test/support/postgres.ts';
import { type LoadResult, runLoad } from './load.ts';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, seconds: { type: 'string', default: '10' }, viewers: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '64' } } });
const SECONDS = Number(args.seconds);
const VIEWERS = Number(args.viewers);
const CONCURRENCY = Number(args.concurrency);
const VIDEOS = 20;
const log = (s: string) => args.json || process.stderr.write(`${s}\n`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface EngineResult {
  updatesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  continueWatchingReadsPerSec: number;
  continueWatchingP99Ms: number;
  errors: number;
}

async function benchEngine(name: string, env: Record<string, string>): Promise<EngineResult> {
  const setup = await createMarquee(loadConfig(env), { logger: createLogger('silent') });
  const title = await setup.services.catalog.createTitle({ type: 'series', name: 'Bench Series' }, null);
  for (let i = 0; i < VIDEOS; i++) {
    const e = await setup.services.catalog.addEpisode(title.id, { season: 1, number: i + 1, name: `E${i + 1}` });
    await setup.services.catalog.attachVideo({ titleId: title.id, episodeId: e.id, videoId: `bench-${i}`, durationSec: 3600 });
  }
  await setup.close();

  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, '../bin/marquee.js'), 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', MARQUEE_ROLES: 'api', LOGIN_IP_MAX_ATTEMPTS: '100000' },
    stdio: 'ignore',
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    while (!(await fetch(`${url}/healthz`).catch(() => undefined))?.ok) await new Promise((r) => setTimeout(r, 100));
    const api = apiClient(url);
    log(`${name}: signing up ${VIEWERS} viewers…`);
    const tokens: string[] = [];
    for (let i = 0; i < VIEWERS; i += 10) tokens.push(...(await Promise.all(Array.from({ length: Math.min(10, VIEWERS - i) }, () => api.viewer()))).map((v) => v.profileToken));

    log(`${name}: progress updates for ${SECONDS} s at concurrency ${CONCURRENCY}…`);
    const updates: LoadResult = await runLoad({
      url,
      seconds: SECONDS,
      concurrency: CONCURRENCY,
      okStatus: 202,
      next: (loop, n) => {
        const viewer = (loop + n * CONCURRENCY) % tokens.length;
        return { method: 'POST', path: '/api/v1/progress', token: tokens[viewer]!, body: JSON.stringify({ videoId: `bench-${(viewer + n) % VIDEOS}`, positionSec: 300 + (n % 3000) }) };
      },
    });
    log(`${name}: continue-watching reads for ${SECONDS} s…`);
    const reads: LoadResult = await runLoad({ url, seconds: SECONDS, concurrency: CONCURRENCY, okStatus: 200, next: (loop, n) => ({ method: 'GET', path: '/api/v1/continue-watching', token: tokens[(loop + n) % tokens.length]! }) });
    return { updatesPerSec: updates.perSec, p50Ms: updates.p50Ms, p99Ms: updates.p99Ms, continueWatchingReadsPerSec: reads.perSec, continueWatchingP99Ms: reads.p99Ms, errors: updates.errors + reads.errors };
  } finally {
    child.kill('SIGTERM');
  }
}

const results: Record<string, EngineResult> = {};
const sqliteDir = mkdtempSync(join(tmpdir(), 'marquee-bench-'));
try {
  results.sqlite = await benchEngine('sqlite', { DATA_DIR: sqliteDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
} finally {
  rmSync(sqliteDir, { recursive: true, force: true });
}
const pg = await postgresForTests().catch(() => undefined);
if (pg) {
  const pgDir = mkdtempSync(join(tmpdir(), 'marquee-bench-pg-'));
  try {
    const url = `${pg.url}?options=${encodeURIComponent(`-c search_path=${pg.schema}`)}`;
    results.postgres = await benchEngine('postgres', { DATA_DIR: pgDir, DATABASE_URL: url, SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
  } finally {
    await pg.drop();
    rmSync(pgDir, { recursive: true, force: true });
  }
} else log('postgres: not reachable, skipped');

console.log(`\nbench:progress on ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; ${VIEWERS} viewers, concurrency ${CONCURRENCY}, ${SECONDS} s per phase`);
console.table(Object.entries(results).map(([engine, r]) => ({ engine, 'updates/s': r.updatesPerSec, 'p50 ms': r.p50Ms, 'p99 ms': r.p99Ms, 'cw reads/s': r.continueWatchingReadsPerSec, 'cw p99 ms': r.continueWatchingP99Ms, errors: r.errors })));
if (args.json) console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { updatesPerSec: r.updatesPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms, continueWatchingReadsPerSec: r.continueWatchingReadsPerSec }]))));
