import assert from 'node:assert/strict';
import { test } from 'node:test';
import { profileCache } from './profileCache.ts';

/** A build whose result the test releases when it likes. */
function deferredBuilds() {
  let builds = 0;
  const pending: ((v: string) => void)[] = [];
  return {
    build: () => {
      builds++;
      return new Promise<string>((resolve) => pending.push(resolve));
    },
    finish: (i: number, v: string) => pending[i]!(v),
    get builds() {
      return builds;
    },
  };
}

test('readers share one build, and the result is kept until the profile changes', async () => {
  const cache = profileCache<string>({ maxProfiles: 10 });
  const d = deferredBuilds();
  const a = cache.get('p1', 'US', d.build);
  const b = cache.get('p1', 'US', d.build);
  d.finish(0, 'row-1');
  assert.deepEqual(await Promise.all([a, b]), ['row-1', 'row-1']);
  assert.equal(await cache.get('p1', 'US', d.build), 'row-1');
  assert.equal(d.builds, 1);
  cache.forget('p1');
  const c = cache.get('p1', 'US', d.build);
  d.finish(1, 'row-2');
  assert.equal(await c, 'row-2');
});

test('a build overtaken by a change answers its caller but is not kept', async () => {
  const cache = profileCache<string>({ maxProfiles: 10 });
  const d = deferredBuilds();
  const before = cache.get('p1', 'US', d.build);
  cache.forget('p1');
  d.finish(0, 'read before the change');
  assert.equal(await before, 'read before the change');
  const after = cache.get('p1', 'US', d.build);
  d.finish(1, 'read after the change');
  assert.equal(await after, 'read after the change');
  assert.equal(d.builds, 2);
});

test('another variant, an old entry or a failed build is built again; the oldest profile is evicted', async () => {
  let now = 0;
  const cache = profileCache<string>({ maxProfiles: 2, ttlMs: 1000, clock: () => now });
  let builds = 0;
  const build = async () => `v${++builds}`;
  const cases: [string, string, number, string][] = [
    ['p1', 'US', 0, 'v1'],
    ['p1', 'US', 999, 'v1'],
    ['p1', 'US', 1000, 'v2'],
    ['p1', 'GB', 1000, 'v3'],
    ['p2', 'US', 1000, 'v4'],
    ['p3', 'US', 1000, 'v5'],
    ['p1', 'GB', 1000, 'v6'],
  ];
  for (const [profile, variant, at, expected] of cases) {
    now = at;
    assert.equal(await cache.get(profile, variant, build), expected, `${profile} ${variant} at ${at}`);
  }
  assert.equal(cache.size, 2);
  await assert.rejects(cache.get('p9', 'US', () => Promise.reject(new Error('database down'))));
  await new Promise((r) => setImmediate(r));
  assert.equal(await cache.get('p9', 'US', build), 'v7');
});
