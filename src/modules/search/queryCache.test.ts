import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryCache } from './queryCache.ts';

test('keeps the most recently used entries up to its capacity', () => {
  const cache = new QueryCache<number>(2);
  cache.set('a', 1, new Set(['x']));
  cache.set('b', 2, new Set(['x']));
  assert.equal(cache.get('a'), 1); // now "b" is the least recently used
  cache.set('c', 3, new Set(['x']));
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a'), 1);
  assert.equal(cache.get('c'), 3);
});

test('forgets only entries whose terms a changed document holds', () => {
  const cases: { changed: string[]; left: string[] }[] = [
    { changed: ['star'], left: ['moon'] },
    { changed: ['moonlight', 'starling'], left: ['star', 'moon'] },
    { changed: ['sun', 'moon'], left: ['star'] },
    { changed: [], left: ['star', 'moon'] },
  ];
  for (const { changed, left } of cases) {
    const cache = new QueryCache<string>(10);
    cache.set('star', 'st', new Set(['star', 'stars', 'stardust']));
    cache.set('moon', 'mo', new Set(['moon', 'mood']));
    cache.forgetTerms(changed);
    assert.deepEqual(['star', 'moon'].filter((k) => cache.get(k) !== undefined), left, `changed ${changed.join(',')}`);
  }
});
