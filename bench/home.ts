/**
 * bench:home: personalised home pages per second over HTTP, with p50/p99 latency, for 10,000
 * profiles with viewing history, a tenth of requests with the profile's cached page cold.
 * Set-up (in this process): a synthetic catalog and audience on a temporary SQLite data dir,
 * one training run of the recommender. Then `marquee serve` (api role, its own process) answers
 * GET /api/v1/home driven by autocannon from here.
 * Usage: npm run bench:home [-- --json] [--seconds 20] [--profiles 10000] [--titles 2000]
 *        [--connections 20] [--log-level warn]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMarquee } from '../src/app.ts';
import { TRAIN_JOB } from '../src/modules/recommend/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { startWorker } from '../src/platform/jobs/index.ts';
import { createLogger } from '../src/platform/logger.ts';
import { runLoad } from './load.ts';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '20' },
    profiles: { type: 'string', default: '10000' },
    titles: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '20' },
    'log-level': { type: 'string', default: 'warn' },
  },
});
const SECONDS = Number(args.seconds);
const PROFILES = Number(args.profiles);
const TITLES = Number(args.titles);
const CONNECTIONS = Number(args.connections);
const PLAYS_PER_PROFILE = 20;
/** Profiles whose page is cached before timing starts; the rest are the cold tenth. */
const WARM = Math.floor(PROFILES * 0.3);
const GENRES = ['Drama', 'Comedy', 'Action', 'Horror', 'Romance', 'Sci-Fi', 'Documentary', 'Animation', 'Thriller', 'Crime', 'Fantasy', 'Family'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'BR', 'IN'];
const RATINGS = ['all', '7+', '13+', '16+', '18+'] as const;
const DURATION_SEC = 3000;
const log = (s: string) => args.json || process.stderr.write(`${s}\n`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** A deterministic pseudo-random sequence, so every run builds the same data. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 2 ** 32);
}

const dataDir = mkdtempSync(join(tmpdir(), 'marquee-bench-home-'));
// Tokens minted at set-up must outlive the run; rate limits and load shedding are out of the way
// (still checked, so their cost is in the figures): this measures the home page itself.
const UNLIMITED = JSON.stringify(Object.fromEntries(['auth', 'browse', 'search', 'playback_start', 'progress'].map((c) => [c, { perAccount: 1e9, perIp: 1e9 }])));
const env = { DATA_DIR: dataDir, SEED_DEMO: 'false', ACCESS_TOKEN_TTL_SEC: '86400', RATE_LIMITS: UNLIMITED, LOAD_EVENT_LOOP_DELAY_MS: '600000', LOAD_LATENCY_MS: '600000', LOAD_MAX_IN_FLIGHT: '100000' };

try {
  const setup = await createMarquee(loadConfig(env), { logger: createLogger('silent') });
  const rand = rng(42);
  log(`set-up: ${TITLES} titles…`);
  const titles: { id: string; genre: number }[] = [];
  for (let i = 0; i < TITLES; i++) {
    const genre = Math.floor(rand() * GENRES.length);
    const second = (genre + 1 + Math.floor(rand() * (GENRES.length - 1))) % GENRES.length;
    const t = await setup.services.catalog.createTitle(
      { type: 'movie', name: `Bench Title ${i.toString(36)} ${GENRES[genre]}`, year: 1980 + Math.floor(rand() * 46), genres: [GENRES[genre]!, ...(rand() < 0.5 ? [GENRES[second]!] : [])], maturityRating: RATINGS[Math.floor(rand() * RATINGS.length)]!, cast: [`Actor ${Math.floor(rand() * 300)}`, `Actor ${Math.floor(rand() * 300)}`], directors: [`Director ${Math.floor(rand() * 100)}`], ...(rand() < 0.1 ? { regions: [COUNTRIES[Math.floor(rand() * COUNTRIES.length)]!] } : {}) },
      null,
    );
    await setup.services.catalog.attachVideo({ titleId: t.id, videoId: `bench-${i}`, durationSec: DURATION_SEC });
    titles.push({ id: t.id, genre });
  }
  const byGenre = GENRES.map((_, g) => titles.map((t, i) => ({ ...t, i })).filter((t) => t.genre === g));

  log(`set-up: ${PROFILES} profiles × ${PLAYS_PER_PROFILE} plays…`);
  const now = Date.now();
  const profiles: { id: string; country: string }[] = [];
  for (let p = 0; p < PROFILES; p++) {
    const profileId = `bench-profile-${p}`;
    // Each profile leans to two genres, with the popular titles of a genre played more (Zipf-like).
    const tastes = [Math.floor(rand() * GENRES.length), Math.floor(rand() * GENRES.length)];
    const plays: Promise<void>[] = [];
    for (let k = 0; k < PLAYS_PER_PROFILE; k++) {
      const pool = rand() < 0.8 ? byGenre[tastes[k % 2]!]! : byGenre[Math.floor(rand() * GENRES.length)]!;
      const pick = pool[Math.floor(pool.length * rand() ** 2)]!;
      const share = rand() < 0.7 ? 1 : 0.1 + rand() * 0.6;
      plays.push(setup.services.viewing.recordProgress(profileId, { videoId: `bench-${pick.i}`, positionSec: DURATION_SEC * share, at: new Date(now - rand() * 60 * 86_400_000).toISOString() }));
    }
    await Promise.all(plays);
    const country = COUNTRIES[p % COUNTRIES.length]!;
    await setup.services.recommend.importLedger.recordCountry(profileId, country);
    profiles.push({ id: profileId, country });
    if (p % 1000 === 999) log(`  ${p + 1} profiles`);
  }

  log('set-up: training the recommender…');
  const worker = startWorker({ queue: setup.queue, handlers: setup.jobs, concurrency: 1, leaseSec: 600, log: createLogger('silent'), pollMs: 100 });
  const job = await setup.queue.enqueue(TRAIN_JOB, { reason: 'bench' });
  let trained = job;
  while (trained.status !== 'succeeded' && trained.status !== 'failed') {
    await new Promise((r) => setTimeout(r, 250));
    trained = (await setup.queue.get(job.id))!;
  }
  await worker.stop();
  if (trained.status === 'failed') throw new Error(`training failed: ${trained.error?.message}`);
  const training = trained.result as { trainSec: number; interactions: number };
  log(`  trained on ${training.interactions} interactions in ${training.trainSec.toFixed(1)} s`);

  // Profile tokens as the API issues them on select: one real account per country (signing up
  // 10,000 accounts would be minutes of password hashing), each bench profile under its country's.
  const accounts = new Map<string, string>();
  for (const country of COUNTRIES) accounts.set(country, (await setup.services.identity.signup({ email: `bench-${country.toLowerCase()}@example.com`, password: 'bench-password', country })).accountId);
  const tokens = await Promise.all(profiles.map((p) => setup.services.identity.profileToken({ accountId: accounts.get(p.country)!, role: 'viewer', plan: 'standard', country: p.country }, { id: p.id, kids: false, maturityRating: '18+' })));
  await setup.close();

  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, '../bin/marquee.js'), 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', MARQUEE_ROLES: 'api', LOG_LEVEL: args['log-level'] },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const url = `http://127.0.0.1:${port}`;
    while (!(await fetch(`${url}/healthz`).catch(() => undefined))?.ok) await new Promise((r) => setTimeout(r, 100));
    log(`warming ${WARM} profiles' pages…`);
    for (let i = 0; i < WARM; i += 20) {
      const replies = await Promise.all(tokens.slice(i, i + 20).map((t) => fetch(`${url}/api/v1/home`, { headers: { authorization: `Bearer ${t}` } })));
      for (const r of replies) if (!r.ok) throw new Error(`warm-up GET /api/v1/home: ${r.status} ${await r.text()}`);
    }

    log(`GET /api/v1/home for ${SECONDS} s, ${CONNECTIONS} connections, 1 in 10 for a profile not yet cached…`);
    let sent = 0;
    let cold = WARM;
    const home = await runLoad({
      url,
      seconds: SECONDS,
      connections: CONNECTIONS,
      okStatus: 200,
      next: () => {
        const i = sent++;
        const profile = i % 10 === 0 && cold < PROFILES ? cold++ : i % WARM;
        return { method: 'GET', path: '/api/v1/home', token: tokens[profile]! };
      },
    });
    const result = { requestsPerSec: home.perSec, p50Ms: home.p50Ms, p99Ms: home.p99Ms };
    const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
    console.log(
      `\nbench:home on ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}; SQLite; ${PROFILES} profiles × ${PLAYS_PER_PROFILE} plays, ${TITLES} titles; ${CONNECTIONS} connections, ${SECONDS} s; cold pages: ${cold - WARM} of ${home.requests} requests; load average ${fmtLoad(loadavg())}`,
    );
    console.table([{ 'requests/s': home.perSec, 'p50 ms': home.p50Ms, 'p99 ms': home.p99Ms, errors: home.errors, 'training s': Number(training.trainSec.toFixed(1)) }]);
    if (args.json) console.log(JSON.stringify(result));
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
