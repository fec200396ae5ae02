import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type LiveExperiment, BUCKETS, assignAll, bucketOf, firstFreeSlice, inHoldout, inPopulation, pickVariant, variantBounds } from './allocation.ts';
import { murmur3_32 } from './murmur3.ts';
import { sampleRatioCheck } from './stats.ts';
import type { TargetingContext } from './targeting.ts';

test('murmur3_32 matches the published test vectors (UTF-8 bytes)', () => {
  const vectors: [string, number, number][] = [
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['test', 0, 0xba6bd213],
    ['abc', 0, 0xb3dd93fa],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ];
  for (const [s, seed, want] of vectors) assert.equal(murmur3_32(s, seed), want, `murmur3("${s}", ${seed})`);
});

const base = (over: Partial<LiveExperiment> = {}): LiveExperiment => ({
  id: 'exp-1',
  key: 'row_order',
  status: 'running',
  unit: 'profile',
  allocationBuckets: BUCKETS,
  variantBounds: variantBounds([50, 30, 20]),
  variants: [
    { key: 'control', config: {} },
    { key: 'b', config: {} },
    { key: 'c', config: {} },
  ],
  targeting: [],
  layer: null,
  startAt: null,
  endAt: null,
  ...over,
});

test('one million unit ids split within tolerance of the weights (chi-square p > 0.001)', () => {
  const bounds = variantBounds([50, 30, 20]);
  const counts = [0, 0, 0];
  for (let i = 0; i < 1_000_000; i++) counts[pickVariant(`profile-${i}`, 'exp-1', bounds)]!++;
  const srm = sampleRatioCheck(counts, [50, 30, 20]);
  assert.ok(srm.pValue > 0.001, `split ${counts} has p = ${srm.pValue}`);
  // And the share allocated at 12.34% lands there too (0.01% granularity).
  let inside = 0;
  const e = base({ allocationBuckets: 1234 });
  for (let i = 0; i < 1_000_000; i++) if (inPopulation(`profile-${i}`, e)) inside++;
  const alloc = sampleRatioCheck([inside, 1_000_000 - inside], [12.34, 87.66]);
  assert.ok(alloc.pValue > 0.001, `allocated ${inside} of 1e6 at 12.34%, p = ${alloc.pValue}`);
});

test('weights must sum to 100% in 0.01% steps', () => {
  assert.deepEqual(variantBounds([33.33, 33.33, 33.34]), [3333, 6666, 10000]);
  assert.throws(() => variantBounds([50, 40]), /90%/);
});

test('the same unit gets the same variant in another process', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => `unit-${i}-ü`);
  const here = ids.map((id) => `${bucketOf(`${id}:exp-x`)}/${pickVariant(id, 'exp-x', [2500, 5000, 10000])}`);
  const moduleUrl = pathToFileURL(new URL('./allocation.ts', import.meta.url).pathname).href;
  const script = `import { bucketOf, pickVariant } from ${JSON.stringify(moduleUrl)};
const ids = Array.from({ length: 2000 }, (_, i) => 'unit-' + i + '-ü');
process.stdout.write(JSON.stringify(ids.map((id) => bucketOf(id + ':exp-x') + '/' + pickVariant(id, 'exp-x', [2500, 5000, 10000]))));`;
  const there = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
  assert.deepEqual(there, here);
  // Pinned values: a change of hash or key format would silently reshuffle every running experiment.
  assert.deepEqual([bucketOf('profile-1:exp-1'), bucketOf('acct-42:global-holdout')], [murmur3_32('profile-1:exp-1') % 10000, murmur3_32('acct-42:global-holdout') % 10000]);
  assert.equal(bucketOf('test'), 0xba6bd213 % 10000);
});

const ctx: TargetingContext = { country: 'GB', device: 'web', plan: 'premium', tenureDays: 100, kids: false };

test('experiments in one layer never share a member', () => {
  const layer = (id: string, offset: number, size: number) => base({ id, key: id, allocationBuckets: size, layer: { name: 'home', offset } });
  const exps = [layer('a', 0, 4000), layer('b', 4000, 3500), layer('c', 7500, 2500)];
  const counts = { a: 0, b: 0, c: 0 };
  for (let i = 0; i < 50_000; i++) {
    const got = assignAll({ accountId: `acct-${i}`, profileId: `p-${i}`, context: ctx, experiments: exps, holdoutBuckets: 0, overrides: new Map(), now: 0 });
    assert.ok(got.length === 1, `unit ${i} is in ${got.map((g) => g.key).join(',')}`);
    counts[got[0]!.key as 'a' | 'b' | 'c']++;
  }
  assert.ok(sampleRatioCheck([counts.a, counts.b, counts.c], [40, 35, 25]).pValue > 0.001, JSON.stringify(counts));
  // Without a layer two 50% experiments overlap on about a quarter of units.
  const free = [base({ id: 'x', key: 'x', allocationBuckets: 5000 }), base({ id: 'y', key: 'y', allocationBuckets: 5000 })];
  let both = 0;
  for (let i = 0; i < 20_000; i++) if (assignAll({ accountId: 'a', profileId: `p-${i}`, context: ctx, experiments: free, holdoutBuckets: 0, overrides: new Map(), now: 0 }).length === 2) both++;
  assert.ok(both > 4500 && both < 5500, `overlap ${both}`);
});

test('free layer slices: first fit, null when full', () => {
  assert.equal(firstFreeSlice([], 3000), 0);
  assert.equal(firstFreeSlice([{ offset: 0, size: 3000 }], 3000), 3000);
  assert.equal(firstFreeSlice([{ offset: 3000, size: 3000 }], 3000), 0);
  assert.equal(firstFreeSlice([{ offset: 2000, size: 3000 }], 3000), 5000);
  assert.equal(firstFreeSlice([{ offset: 0, size: 6000 }, { offset: 7000, size: 3000 }], 1000), 6000);
  assert.equal(firstFreeSlice([{ offset: 0, size: 6000 }, { offset: 7000, size: 3000 }], 1001), null);
});

test('holdout, status, dates, targeting and overrides', () => {
  const e = base();
  const one = (over: Partial<Parameters<typeof assignAll>[0]> = {}) =>
    assignAll({ accountId: 'acct-1', profileId: 'p-1', context: ctx, experiments: [e], holdoutBuckets: 0, overrides: new Map(), now: 1000, ...over });
  assert.equal(one().length, 1);
  // Holdout of 100% takes everyone out; about 5% are held out at 5%.
  assert.equal(one({ holdoutBuckets: BUCKETS }).length, 0);
  let held = 0;
  for (let i = 0; i < 100_000; i++) if (inHoldout(`acct-${i}`, 500)) held++;
  assert.ok(sampleRatioCheck([held, 100_000 - held], [5, 95]).pValue > 0.001, `held ${held}`);
  // Not running, not started yet, already ended: nobody.
  for (const over of [{ status: 'paused' as const }, { status: 'draft' as const }, { startAt: 2000 }, { endAt: 1000 }]) {
    assert.equal(one({ experiments: [{ ...e, ...over }] }).length, 0, JSON.stringify(over));
  }
  // Targeting decides.
  assert.equal(one({ experiments: [{ ...e, targeting: [{ type: 'country', values: ['US'], include: true }] }] }).length, 0);
  assert.equal(one({ experiments: [{ ...e, targeting: [{ type: 'country', values: ['US'], include: false }] }] }).length, 1);
  // A QA override wins over everything but completion, even for a draft or a held-out account.
  const forced = one({ experiments: [{ ...e, status: 'draft' }], overrides: new Map([['exp-1', 'c']]), holdoutBuckets: BUCKETS });
  assert.deepEqual(forced.map((a) => [a.variant, a.source]), [['c', 'override']]);
  assert.equal(one({ experiments: [{ ...e, status: 'completed' }], overrides: new Map([['exp-1', 'c']]) }).length, 0);
  // Account-unit experiments hash the account; profile-unit ones skip account-only callers.
  assert.equal(one({ experiments: [{ ...e, unit: 'account' }] })[0]!.unitId, 'acct-1');
  assert.equal(one({ profileId: null }).length, 0);
});
