/**
 * bench:progress: acknowledged progress updates per second over HTTP from many signed-in
 * viewers, with p50/p99 latency, then Continue Watching reads per second; SQLite and PostgreSQL
 * (when reachable) side by side in one run. The server runs as its own process (`marquee serve`,
 * api role, the default log level); this process only drives load, with autocannon.
 * Usage: npm run bench:progress [-- --json] [--seconds 10] [--viewers 1000] [--connections 100]
 *        [--pipelining 1] [--processes 1] [--engines sqlite,postgres] [--log-level info] [--cpu-prof DIR]
 * `--processes N` runs N API processes on one database (each group-commits its own batches) and
 * spreads the connections over them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMarquee } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { apiClient } from '../test/support/client.ts';
import { postgresForTests } from '../test/support/postgres.ts';
import { type LoadRequest, type LoadResult, runLoad } from './load.ts';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '10' },
    viewers: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '100' },
    pipelining: { type: 'string', default: '1' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    'log-level': { type: 'string', default: 'info' },
    processes: { type: 'string', default: '1' },
    'cpu-prof': { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const VIEWERS = Number(args.viewers);
const CONNECTIONS = Number(args.connections);
const PIPELINING = Number(args.pipelining);
const PROCESSES = Number(args.processes);
const ENGINES = args.engines.split(',');
const VIDEOS = 20;
const DURATION_SEC = 3600;
const UNLIMITED = JSON.stringify(Object.fromEntries(['auth', 'browse', 'progress'].map((c) => [c, { perAccount: 1e9, perIp: 1e9 }])));
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
  continueWatchingP50Ms: number;
  continueWatchingP99Ms: number;
  updateCpuUs: number;
  continueWatchingCpuUs: number;
  /** GET /healthz on the same server: what this machine's HTTP stack manages at the moment. */
  healthzPerSec: number;
  healthzCpuUs: number;
  /** CPU this process (autocannon) spent per update: the load generator shares the machine's cores. */
  clientCpuUsPerUpdate: number;
  errors: number;
  otherStatuses: string;
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
const cpuSecondsOf = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/**
 * One load phase, and the server's CPU time per answered request: unlike requests per second,
 * that figure hardly depends on what else the machine is doing, so runs on a busy machine compare.
 */
async function load(servers: { pid: number; url: string }[], okStatus: number, next: () => LoadRequest): Promise<LoadResult & { cpuUsPerRequest: number; clientCpuUsPerRequest: number }> {
  const cpuNow = () => servers.reduce((sum, s) => sum + cpuSecondsOf(s.pid), 0);
  const cpuBefore = cpuNow();
  const clientBefore = process.cpuUsage();
  const r = await runLoad({ url: servers.map((s) => s.url), seconds: SECONDS, connections: CONNECTIONS, pipelining: PIPELINING, okStatus, next });
  const client = process.cpuUsage(clientBefore);
  const perRequest = (us: number) => Math.round(us / Math.max(1, r.requests));
  return { ...r, cpuUsPerRequest: perRequest((cpuNow() - cpuBefore) * 1e6), clientCpuUsPerRequest: perRequest(client.user + client.system) };
}

async function benchEngine(name: string, env: Record<string, string>): Promise<EngineResult> {
  const setup = await createMarquee(loadConfig(env), { logger: createLogger('silent') });
  const title = await setup.services.catalog.createTitle({ type: 'series', name: 'Bench Series' }, null);
  for (let i = 0; i < VIDEOS; i++) {
    const e = await setup.services.catalog.addEpisode(title.id, { season: 1, number: i + 1, name: `E${i + 1}` });
    await setup.services.catalog.attachVideo({ titleId: title.id, episodeId: e.id, videoId: `bench-${i}`, durationSec: DURATION_SEC });
  }
  await setup.close();

  const profiling = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(args['cpu-prof'], name)}`] : [];
  const children = await Promise.all(
    Array.from({ length: PROCESSES }, async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [...profiling, join(import.meta.dirname, '../bin/marquee.js'), 'serve'], {
        // Every simulated viewer comes from 127.0.0.1 and sends far more often than a player does:
        // the limits are raised out of the way (they are still checked, so their cost is measured).
        env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', MARQUEE_ROLES: 'api', LOGIN_IP_MAX_ATTEMPTS: '1000000', RATE_LIMITS: UNLIMITED, LOG_LEVEL: args['log-level'] },
        stdio: 'ignore',
      });
      return { child, pid: child.pid!, url: `http://127.0.0.1:${port}`, exited: new Promise((resolve) => child.once('exit', resolve)) };
    }),
  );
  try {
    for (const { url } of children) while (!(await fetch(`${url}/healthz`).catch(() => undefined))?.ok) await new Promise((r) => setTimeout(r, 100));
    const api = apiClient(children[0]!.url);
    log(`${name}: signing up ${VIEWERS} viewers…`);
    const tokens: string[] = [];
    for (let i = 0; i < VIEWERS; i += 20) tokens.push(...(await Promise.all(Array.from({ length: Math.min(20, VIEWERS - i) }, () => api.viewer()))).map((v) => v.profileToken));

    // Sustained rates: each viewer has opened the home page once, so its token is verified.
    for (const { url } of children) for (let i = 0; i < VIEWERS; i += 50) await Promise.all(tokens.slice(i, i + 50).map((t) => apiClient(url).get('/api/v1/continue-watching', t)));

    log(`${name}: GET /healthz for ${SECONDS} s…`);
    const healthz = await load(children, 200, () => ({ method: 'GET', path: '/healthz' }));

    // Request i comes from viewer i mod VIEWERS, so the requests in flight are from different
    // viewers; each viewer watches one episode for a while, moving forward, then the next.
    log(`${name}: progress updates for ${SECONDS} s, ${CONNECTIONS} connections…`);
    let sent = 0;
    const updates = await load(children, 202, () => {
      const i = sent++;
      const viewer = i % VIEWERS;
      const round = Math.floor(i / VIEWERS);
      const videoId = `bench-${(viewer + Math.floor(round / 100)) % VIDEOS}`;
      return { method: 'POST', path: '/api/v1/progress', token: tokens[viewer]!, body: JSON.stringify({ videoId, positionSec: 300 + (round % 100) * 10 }) };
    });

    log(`${name}: continue-watching reads for ${SECONDS} s…`);
    let read = 0;
    const reads = await load(children, 200, () => ({ method: 'GET', path: '/api/v1/continue-watching', token: tokens[read++ % VIEWERS]! }));
    return {
      updatesPerSec: updates.perSec,
      p50Ms: updates.p50Ms,
      p99Ms: updates.p99Ms,
      continueWatchingReadsPerSec: reads.perSec,
      continueWatchingP50Ms: reads.p50Ms,
      continueWatchingP99Ms: reads.p99Ms,
      updateCpuUs: updates.cpuUsPerRequest,
      continueWatchingCpuUs: reads.cpuUsPerRequest,
      healthzPerSec: healthz.perSec,
      healthzCpuUs: healthz.cpuUsPerRequest,
      clientCpuUsPerUpdate: updates.clientCpuUsPerRequest,
      errors: updates.errors + reads.errors + healthz.errors,
      otherStatuses: Object.entries({ updates, reads, healthz })
        .flatMap(([phase, r]) => Object.entries(r.otherStatuses).map(([status, n]) => `${phase} ${status}×${n}`))
        .join(', '),
    };
  } finally {
    for (const { child } of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
  }
}

const results: Record<string, EngineResult> = {};
const loadBefore = loadavg();
if (ENGINES.includes('sqlite')) {
  const sqliteDir = mkdtempSync(join(tmpdir(), 'marquee-bench-'));
  try {
    results.sqlite = await benchEngine('sqlite', { DATA_DIR: sqliteDir, SEED_DEMO: 'false' });
  } finally {
    rmSync(sqliteDir, { recursive: true, force: true });
  }
}
const pg = ENGINES.includes('postgres') ? await postgresForTests().catch(() => undefined) : undefined;
if (pg) {
  const pgDir = mkdtempSync(join(tmpdir(), 'marquee-bench-pg-'));
  try {
    const url = `${pg.url}?options=${encodeURIComponent(`-c search_path=${pg.schema}`)}`;
    results.postgres = await benchEngine('postgres', { DATA_DIR: pgDir, DATABASE_URL: url, SEED_DEMO: 'false' });
  } finally {
    await pg.drop();
    rmSync(pgDir, { recursive: true, force: true });
  }
} else if (ENGINES.includes('postgres')) log('postgres: not reachable, skipped');

const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
console.log(
  `\nbench:progress on ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; ${VIEWERS} viewers, ${CONNECTIONS} connections × pipelining ${PIPELINING}, ${PROCESSES} API process(es), ${SECONDS} s per phase, server log level ${args['log-level']}; load average ${fmtLoad(loadBefore)} before, ${fmtLoad(loadavg())} after`,
);
console.table(
  Object.entries(results).map(([engine, r]) => ({
    engine,
    'updates/s': r.updatesPerSec,
    'p50 ms': r.p50Ms,
    'p99 ms': r.p99Ms,
    'cw reads/s': r.continueWatchingReadsPerSec,
    'cw p50 ms': r.continueWatchingP50Ms,
    'cw p99 ms': r.continueWatchingP99Ms,
    'healthz/s': r.healthzPerSec,
    'server CPU µs/update': r.updateCpuUs,
    'µs/cw read': r.continueWatchingCpuUs,
    'µs/healthz': r.healthzCpuUs,
    'client µs/update': r.clientCpuUsPerUpdate,
    errors: r.errors,
  })),
);
for (const [engine, r] of Object.entries(results)) if (r.otherStatuses) console.log(`${engine}: unexpected answers ${r.otherStatuses}`);
if (args.json) console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, r]) => [k, { updatesPerSec: r.updatesPerSec, p50Ms: r.p50Ms, p99Ms: r.p99Ms, continueWatchingReadsPerSec: r.continueWatchingReadsPerSec }]))));
