import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXACT_NAME_BONUS, NAME_PHRASE_BONUS, NAME_START_BONUS, affinityBoost, affinityFrom, compareRanked, nameBonus, nameShape, popularityBoost, rankTop, recencyBoost, topK } from './rank.ts';

const slot = (entries: [string, number][], optional = false) => ({ terms: new Map(entries), primaryOnly: new Set<string>(), optional });

test('nameBonus: whole name, start of name, phrase inside; scaled by the weakest match', () => {
  const godfather = slot([['godfather', 1]]);
  const table: [string[], ReturnType<typeof slot>[], string, number][] = [
    [['the', 'godfather'], [godfather], 'godfather', EXACT_NAME_BONUS], // leading article optional
    [['godfather', 'part', 'ii'], [godfather], 'godfather', NAME_START_BONUS],
    [['the', 'godfather', 'part', 'ii'], [slot([['godfather', 1]]), slot([['part', 0.7]])], 'godfatherpart', NAME_START_BONUS * 0.7],
    [['my', 'toy', 'story', 'x'], [slot([['toy', 1]]), slot([['story', 1]])], 'toystory', NAME_PHRASE_BONUS],
    [['toy', 'story'], [slot([['toystory', 1]])], 'toystory', EXACT_NAME_BONUS], // typed without the space
    [['arrival'], [godfather], 'godfather', 0],
  ];
  for (const [name, slots, typed, want] of table) assert.equal(nameBonus(nameShape(name), slots, typed), want, name.join(' '));
});

test('boosts: popularity on a log scale, recency fading over 25 years', () => {
  assert.equal(popularityBoost(0, 100), 0);
  assert.equal(popularityBoost(100, 100), 3);
  assert.ok(popularityBoost(10, 100) > 1.5 && popularityBoost(10, 100) < 1.6);
  assert.equal(recencyBoost(2026, 2026), 1);
  assert.equal(recencyBoost(2001, 2026), 0);
  assert.equal(recencyBoost(null, 2026), 0);
});

test('affinity: recent viewing counts more; boost from the best genre and person', () => {
  const a = affinityFrom([{ genres: ['drama'], people: ['tom hanks'] }, { genres: ['drama', 'comedy'], people: [] }]);
  assert.equal(a.genres.get('drama'), 1);
  assert.ok(a.genres.get('comedy')! < 0.5);
  assert.equal(affinityBoost(['drama'], ['tom hanks'], a), 4);
  assert.equal(affinityBoost(['horror'], [], a), 0);
});

test('ties break by popularity, then name, then id; topK keeps that order', () => {
  const items = [
    { score: 1, popularity: 5, name: 'B', id: '2' },
    { score: 2, popularity: 0, name: 'Z', id: '9' },
    { score: 1, popularity: 5, name: 'B', id: '1' },
    { score: 1, popularity: 5, name: 'A', id: '3' },
    { score: 1, popularity: 7, name: 'C', id: '4' },
  ];
  const want = ['9', '4', '3', '1', '2'];
  assert.deepEqual([...items].sort(compareRanked).map((i) => i.id), want);
  assert.deepEqual(topK(items, 3, compareRanked).map((i) => i.id), want.slice(0, 3));
});

test('rankTop: same top k as scoring everything, while computing few bonuses', () => {
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const [n, k] of [[0, 5], [3, 5], [500, 1], [2000, 20], [2000, 120]] as const) {
    // Coarse values, so equal scores happen and the tie-break decides.
    const base = Array.from({ length: n }, () => Math.floor(rand() * 20));
    const bound = Array.from({ length: n }, () => (rand() < 0.3 ? 12 : 0));
    const bonus = bound.map((b) => Math.floor(rand() * (b + 1)));
    const about = (i: number) => ({ popularity: i % 7, name: `t${i % 13}`, id: `id${i}` });
    let computed = 0;
    const got = rankTop(n, k, (i) => base[i]!, (i) => (computed++, bonus[i]!), (i) => bound[i]!, about);
    const want = base.map((b, i) => ({ score: b + bonus[i]!, ...about(i) })).sort(compareRanked).slice(0, k);
    assert.deepEqual(got.map((r) => [r.id, r.score]), want.map((r) => [r.id, r.score]), `n=${n} k=${k}`);
    if (n >= 2000 && k === 20) assert.ok(computed < n / 4, `computed ${computed} bonuses of ${n}`);
  }
});
