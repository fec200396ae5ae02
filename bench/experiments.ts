/**
 * bench:experiments: how fast a profile's assignments are computed when 50 experiments run
 * (mixed targeting, 5 layers of 5 experiments plus 25 free ones, a 5% global holdout).
 * Measures the service path (snapshot + targeting + hashing, the assignment cache missed with a
 * new profile every call), the same with the cache hit, and the pure allocation function alone.
 * Usage: npm run bench:experiments [-- --json] [--calls 200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createMarquee } from '../src/app.ts';
import { type Caller, PLANS } from '../src/modules/identity/index.ts';
import { type ExperimentInput, type LiveExperiment, assignAll, inHoldout, variantBounds } from '../src/modules/experiments/index.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { percentile } from './stats.ts';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, calls: { type: 'string', default: '200000' } } });
const calls = Number(args.calls);
const load = () => loadavg()[0]!.toFixed(1);
const EXPERIMENTS = 50;

function definitions(): ExperimentInput[] {
  const targeting: ExperimentInput['targeting'][] = [
    [],
    [{ type: 'country', values: ['GB', 'US', 'DE', 'FR'] }],
    [{ type: 'plan', values: ['standard', 'premium'] }],
    [{ type: 'tenure', values: ['0-30', '90-'] }],
    [{ type: 'device', values: ['web', 'tv'] }, { type: 'kids', values: ['false'] }],
  ];
  return Array.from({ length: EXPERIMENTS }, (_, i) => ({
    key: `bench_${i}`,
    name: `Bench ${i}`,
    allocation: i < 25 ? 20 : 50,
    layer: i < 25 ? `layer_${i % 5}` : null,
    targeting: targeting[i % targeting.length],
    variants: [
      { key: 'control', weight: 34, config: { n: 0 } },
      { key: 'b', weight: 33, config: { n: 1 } },
      { key: 'c', weight: 33, config: { n: 2 } },
    ],
  }));
}

async function time(label: string, n: number, run: (i: number) => unknown | Promise<unknown>) {
  for (let i = 0; i < Math.min(n, 5000); i++) await run(i); // warm-up
  const samples = new Float64Array(n);
  const start = process.hrtime.bigint();
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = await run(i + 1_000_000);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
    if (Array.isArray(r)) assigned += r.length;
  }
  const totalSec = Number(process.hrtime.bigint() - start) / 1e9;
  const sorted = Array.from(samples);
  return { label, calls: n, perSec: n / totalSec, p50Us: percentile(sorted, 50), p99Us: percentile(sorted, 99), meanAssigned: assigned / n };
}

const dataDir = mkdtempSync(join(tmpdir(), 'marquee-bench-exp-'));
const m = await createMarquee(loadConfig({ DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent' }), { logger: createLogger('silent') });
try {
  const svc = m.services.experiments;
  await svc.setHoldout(5);
  for (const d of definitions()) await svc.start((await svc.create(d)).id);
  // A real account (tenure targeting reads its creation date), outside the 5% holdout so every experiment is evaluated.
  let accountId = '';
  for (let i = 0; !accountId || inHoldout(accountId, 500); i++) {
    accountId = (await m.services.identity.signup({ email: `bench-${i}@example.com`, password: 'bench-password-1', plan: 'premium', country: 'GB' })).accountId;
  }
  const caller = (i: number): Caller => ({ accountId, role: 'viewer', plan: PLANS[i % 3]!, country: 'GB', profile: { id: `profile-${i}`, kids: false, maturityRating: '18+' } });

  const uncached = await time('service, cache miss (new profile each call)', calls, (i) => svc.assignments(caller(i), 'web'));
  const one = caller(7);
  const cached = await time('service, cache hit (same profile)', calls, () => svc.assignments(one, 'web'));

  // The pure function alone, on the same 50 experiments as allocation sees them.
  const live: LiveExperiment[] = (await svc.list()).map((e) => ({
    id: e.id,
    key: e.key,
    status: e.status,
    unit: e.unit,
    allocationBuckets: Math.round(e.allocation * 100),
    variantBounds: variantBounds(e.variants.map((v) => v.weight)),
    variants: e.variants.map((v) => ({ key: v.key, config: v.config })),
    targeting: e.targeting,
    layer: e.layer !== null && e.layerOffset !== null ? { name: e.layer, offset: e.layerOffset } : null,
    startAt: null,
    endAt: null,
  }));
  const ctx = { country: 'GB', device: 'web' as const, plan: 'premium', tenureDays: 10, kids: false };
  const pure = await time('assignAll (pure, 50 experiments)', calls, (i) => assignAll({ accountId: `acct-${i}`, profileId: `profile-${i}`, context: ctx, experiments: live, holdoutBuckets: 500, overrides: new Map(), now: Date.now() }));

  const rows = [uncached, cached, pure];
  const machine = `${cpus().length} vCPU (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(`bench:experiments — ${EXPERIMENTS} running experiments, ${calls} calls per row; ${machine}; load average ${load()}`);
  console.log('| path | assignments/s | p50 µs | p99 µs | experiments assigned per call |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.label} | ${Math.round(r.perSec).toLocaleString('en-US')} | ${r.p50Us.toFixed(1)} | ${r.p99Us.toFixed(1)} | ${r.meanAssigned.toFixed(1)} |`);
  if (args.json) {
    console.log(
      JSON.stringify({
        assignmentsPerSec: Math.round(uncached.perSec),
        p99Us: Number(uncached.p99Us.toFixed(1)),
        cachedAssignmentsPerSec: Math.round(cached.perSec),
        cachedP99Us: Number(cached.p99Us.toFixed(1)),
        pureAssignmentsPerSec: Math.round(pure.perSec),
        pureP99Us: Number(pure.p99Us.toFixed(1)),
        experiments: EXPERIMENTS,
        loadAverage: Number(load()),
      }),
    );
  }
} finally {
  await m.close();
  rmSync(dataDir, { recursive: true, force: true });
}
