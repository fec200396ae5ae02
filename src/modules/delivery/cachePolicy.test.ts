import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ByteCache, FrequencySketch, planInsert } from './cachePolicy.ts';

const entries = (...xs: [string, number][]) => xs.map(([key, size]) => ({ key, size }));

describe('planInsert', () => {
  const freq = (f: Record<string, number>) => (k: string) => f[k] ?? 0;
  const cases: { name: string; lru: [string, number][]; used: number; cap: number; cand: [string, number]; admission: 'lru' | 'tinylfu'; f?: Record<string, number>; want: { admit: boolean; evict: string[] } }[] = [
    { name: 'fits without eviction', lru: [['a', 10]], used: 10, cap: 100, cand: ['b', 50], admission: 'lru', want: { admit: true, evict: [] } },
    { name: 'evicts least recent first, only as much as needed', lru: [['a', 30], ['b', 30], ['c', 30]], used: 90, cap: 100, cand: ['d', 45], admission: 'lru', want: { admit: true, evict: ['a', 'b'] } },
    { name: 'object larger than the cache is refused', lru: [], used: 0, cap: 100, cand: ['big', 101], admission: 'lru', want: { admit: false, evict: [] } },
    { name: 'exactly the capacity fits', lru: [['a', 60]], used: 60, cap: 100, cand: ['b', 100], admission: 'lru', want: { admit: true, evict: ['a'] } },
    { name: 'tinylfu: admitted into free space whatever its frequency', lru: [['a', 10]], used: 10, cap: 100, cand: ['b', 10], admission: 'tinylfu', f: { a: 9, b: 1 }, want: { admit: true, evict: [] } },
    { name: 'tinylfu: a cold newcomer does not evict a hot object', lru: [['hot', 60]], used: 60, cap: 100, cand: ['cold', 50], admission: 'tinylfu', f: { hot: 5, cold: 1 }, want: { admit: false, evict: [] } },
    { name: 'tinylfu: a hotter newcomer evicts colder ones', lru: [['a', 50], ['b', 50]], used: 100, cap: 100, cand: ['c', 80], admission: 'tinylfu', f: { a: 1, b: 2, c: 3 }, want: { admit: true, evict: ['a', 'b'] } },
    { name: 'tinylfu: ties keep the resident (scan resistance)', lru: [['a', 100]], used: 100, cap: 100, cand: ['b', 10], admission: 'tinylfu', f: { a: 2, b: 2 }, want: { admit: false, evict: [] } },
    { name: 'lru ignores frequency', lru: [['hot', 60]], used: 60, cap: 100, cand: ['cold', 50], admission: 'lru', f: { hot: 5, cold: 1 }, want: { admit: true, evict: ['hot'] } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(planInsert(entries(...c.lru), c.used, c.cap, { key: c.cand[0], size: c.cand[1] }, { admission: c.admission, frequency: freq(c.f ?? {}) }), c.want);
    });
  }
});

describe('ByteCache', () => {
  test('stays within its byte budget and evicts in LRU order', () => {
    const cache = new ByteCache<string>(100, 'lru');
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    assert.equal(cache.get('a'), 'A'); // a is now most recent
    assert.deepEqual(cache.set('c', 'C', 40), { admitted: true, evicted: ['b'] });
    assert.equal(cache.peek('b'), undefined);
    assert.deepEqual(cache.stats(), { entries: 2, bytes: 80, capacityBytes: 100 });
  });

  test('replacing a key does not double count its bytes', () => {
    const cache = new ByteCache<string>(100, 'lru');
    cache.set('a', 'A', 60);
    cache.set('a', 'A2', 70);
    assert.deepEqual(cache.stats(), { entries: 1, bytes: 70, capacityBytes: 100 });
  });

  test('tinylfu keeps a hot set through a scan of one-hit objects', () => {
    const cache = new ByteCache<number>(10, 'tinylfu');
    for (let round = 0; round < 3; round++) for (let i = 0; i < 10; i++) if (cache.get(`hot${i}`) === undefined) cache.set(`hot${i}`, i, 1);
    for (let i = 0; i < 100; i++) if (cache.get(`scan${i}`) === undefined) cache.set(`scan${i}`, i, 1);
    let hits = 0;
    for (let i = 0; i < 10; i++) if (cache.get(`hot${i}`) !== undefined) hits++;
    assert.equal(hits, 10);
    const lru = new ByteCache<number>(10, 'lru');
    for (let round = 0; round < 3; round++) for (let i = 0; i < 10; i++) if (lru.get(`hot${i}`) === undefined) lru.set(`hot${i}`, i, 1);
    for (let i = 0; i < 100; i++) if (lru.get(`scan${i}`) === undefined) lru.set(`scan${i}`, i, 1);
    assert.equal(lru.get('hot0'), undefined, 'plain LRU is flushed by the scan');
  });

  test('admits answers what set would do, without changing anything', () => {
    const cache = new ByteCache<string>(100, 'tinylfu');
    for (let i = 0; i < 3; i++) cache.get('hot');
    cache.set('hot', 'H', 80);
    cache.get('cold');
    const cases: { name: string; key: string; size: number; want: boolean }[] = [
      { name: 'fits in free space', key: 'cold', size: 20, want: true },
      { name: 'a colder newcomer would have to evict the hot object', key: 'cold', size: 30, want: false },
      { name: 'larger than the cache', key: 'cold', size: 101, want: false },
      { name: 'the resident itself, resized', key: 'hot', size: 100, want: true },
    ];
    for (const c of cases) assert.equal(cache.admits(c.key, c.size), c.want, c.name);
    assert.deepEqual(cache.stats(), { entries: 1, bytes: 80, capacityBytes: 100 });
    assert.equal(cache.peek('hot'), 'H');
  });
});

test('FrequencySketch counts, caps and ages', () => {
  const s = new FrequencySketch(100, 1000);
  for (let i = 0; i < 5; i++) s.increment('x');
  assert.equal(s.frequency('x'), 5);
  assert.equal(s.frequency('never'), 0);
  for (let i = 0; i < 40; i++) s.increment('y');
  assert.equal(s.frequency('y'), 15, 'capped');
  for (let i = 0; i < 1000; i++) s.increment(`noise${i}`);
  assert.ok(s.frequency('y') <= 8, 'halved with age');
});
