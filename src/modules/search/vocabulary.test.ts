import assert from 'node:assert/strict';
import { test } from 'node:test';
import { damerauLevenshtein } from './distance.ts';
import { Vocabulary } from './vocabulary.ts';

test('damerauLevenshtein: each edit kind costs one; bounded', () => {
  const table: [string, string, number, number][] = [
    ['godfather', 'godfather', 2, 0],
    ['godfahter', 'godfather', 2, 1], // transposition
    ['godfathr', 'godfather', 2, 1], // deletion
    ['odfather', 'godfather', 2, 1], // deletion at the start
    ['godfathor', 'godfather', 2, 1], // substitution
    ['godfatther', 'godfather', 2, 1], // insertion
    ['gdofahter', 'godfather', 2, 2],
    ['xyz', 'godfather', 2, 3], // beyond the bound: max + 1
    ['', 'ab', 2, 2],
    ['ca', 'abc', 3, 3], // optimal string alignment, not unrestricted
  ];
  for (const [a, b, max, want] of table) assert.equal(damerauLevenshtein(a, b, max), want, `${a} ${b}`);
});

test('vocabulary: exact, prefix (shortest first) and fuzzy lookups', () => {
  const v = new Vocabulary();
  for (const t of ['godfather', 'godfathers', 'god', 'gods', 'gold', 'golden', 'interstellar', 'hanks', 'hands', 'hank']) v.add(t);
  assert.equal(v.size, 10);
  assert.equal(v.has('god'), true);
  assert.equal(v.has('go'), false);
  assert.deepEqual(v.withPrefix('go', 3), ['god', 'gods', 'gold']);
  assert.deepEqual(v.fuzzy('godfahter', 2, { prefix: false, limit: 10 }).map((m) => [m.term, m.distance]), [['godfather', 1], ['godfathers', 2]]);
  assert.deepEqual(v.fuzzy('hnaks', 1, { prefix: false, limit: 10 }).map((m) => m.term), ['hanks']);
  const pre = v.fuzzy('intrst', 1, { prefix: true, limit: 10 });
  assert.deepEqual(pre.map((m) => [m.term, m.distance, m.prefix]), [['interstellar', 1, true]]);
});

test('vocabulary fuzzy agrees with the direct distance on a random vocabulary', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const word = () => Array.from({ length: 3 + Math.floor(rand() * 7) }, () => 'abcdeg'[Math.floor(rand() * 6)]).join('');
  const terms = [...new Set(Array.from({ length: 400 }, word))];
  const v = new Vocabulary();
  for (const t of terms) v.add(t);
  for (let i = 0; i < 60; i++) {
    const q = word();
    for (const max of [1, 2]) {
      // The walk trusts the first letter (or its swap with the second).
      const want = terms.filter((t) => (t[0] === q[0] || t[0] === q[1]) && damerauLevenshtein(q, t, max) <= max).sort();
      const got = v.fuzzy(q, max, { prefix: false, limit: 1000 }).map((m) => m.term).sort();
      assert.deepEqual(got, want, `${q} within ${max}`);
      for (const m of v.fuzzy(q, max, { prefix: false, limit: 1000 })) assert.equal(m.distance, damerauLevenshtein(q, m.term, max));
    }
  }
});
