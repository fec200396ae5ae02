import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HomeCache } from './homeCache.ts';

test('entries expire after their time to live', () => {
  let now = 0;
  const c = new HomeCache<string>(10, 1000, () => now);
  c.set('p', 'web|evening', 'page');
  now = 999;
  assert.equal(c.get('p', 'web|evening'), 'page');
  now = 1000;
  assert.equal(c.get('p', 'web|evening'), undefined);
});

test('the least recently used profile is evicted first', () => {
  const c = new HomeCache<string>(2, 60_000);
  c.set('a', 'x', 'A');
  c.set('b', 'x', 'B');
  c.get('a', 'x');
  c.set('c', 'x', 'C');
  assert.deepEqual([c.get('a', 'x'), c.get('b', 'x'), c.get('c', 'x')], ['A', undefined, 'C']);
});

test('invalidating a profile drops every context it has', () => {
  const c = new HomeCache<string>(10, 60_000);
  c.set('p', 'web|evening', '1');
  c.set('p', 'tv|evening', '2');
  c.set('q', 'web|evening', '3');
  c.invalidate('p');
  assert.deepEqual([c.get('p', 'web|evening'), c.get('p', 'tv|evening'), c.get('q', 'web|evening')], [undefined, undefined, '3']);
});
