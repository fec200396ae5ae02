import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SummaryCache } from './summaryCache.ts';

type T = { id: string; name: string };
const catalog: Record<string, T> = { a: { id: 'a', name: 'A' }, b: { id: 'b', name: 'B' }, c: { id: 'c', name: 'C' } };

function loader() {
  const asked: string[][] = [];
  return { asked, load: async (ids: string[]) => (asked.push(ids), ids.flatMap((id) => catalog[id] ?? [])) };
}

test('titles are read once per viewer, hidden ones remembered, results in the order asked', async () => {
  const c = new SummaryCache<T>(60_000, () => 0);
  const l = loader();
  assert.deepEqual([...(await c.get('US|18+', ['b', 'x', 'a'], l.load)).keys()], ['b', 'a']);
  assert.deepEqual([...(await c.get('US|18+', ['a', 'x', 'c', 'b'], l.load)).keys()], ['a', 'c', 'b']);
  assert.deepEqual([...(await c.get('GB|18+', ['a'], l.load)).keys()], ['a']);
  assert.deepEqual(l.asked, [['b', 'x', 'a'], ['c'], ['a']]);
});

test('everything is read again once the time to live has passed or after a clear', async () => {
  let now = 0;
  const c = new SummaryCache<T>(1000, () => now);
  const l = loader();
  await c.get('US|18+', ['a'], l.load);
  now = 999;
  await c.get('US|18+', ['a'], l.load);
  now = 1000;
  await c.get('US|18+', ['a'], l.load);
  c.clear();
  await c.get('US|18+', ['a'], l.load);
  assert.deepEqual(l.asked, [['a'], ['a'], ['a']]);
});

test('a clear while titles are loading keeps what was read out of the cache', async () => {
  const c = new SummaryCache<T>(60_000, () => 0);
  const l = loader();
  const found = await c.get('US|18+', ['a'], async (ids) => {
    c.clear();
    return l.load(ids);
  });
  assert.deepEqual([...found.values()], [catalog.a]);
  await c.get('US|18+', ['a'], l.load);
  assert.equal(l.asked.length, 2);
});
