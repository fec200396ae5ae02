import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, itemKnnCandidate, popularityCandidate } from './evaluation.ts';
import { catalogCoverage, ndcgAt, recallAt } from './metrics.ts';
import { MovielensFormatError, type Rating, csvFields, parseMovies, parseRatings } from './movielens.ts';
import { relevantOf, splitByTime } from './split.ts';

const set = (...ids: string[]) => new Set(ids);

test('Recall@k and NDCG@k with binary relevance', () => {
  const cases: { ranked: string[]; relevant: Set<string>; k: number; recall: number; ndcg: number }[] = [
    { ranked: ['a', 'b', 'c'], relevant: set('a', 'c'), k: 10, recall: 1, ndcg: (1 + 1 / 2) / (1 + 1 / Math.log2(3)) },
    { ranked: ['x', 'a'], relevant: set('a'), k: 10, recall: 1, ndcg: 1 / Math.log2(3) },
    { ranked: ['x', 'a', 'b'], relevant: set('a', 'b', 'c'), k: 2, recall: 1 / 2, ndcg: 1 / Math.log2(3) / (1 + 1 / Math.log2(3)) },
    { ranked: ['x', 'y'], relevant: set('a'), k: 10, recall: 0, ndcg: 0 },
    { ranked: ['a'], relevant: set(), k: 10, recall: 0, ndcg: 0 },
    // Hits beyond k do not count; the denominator is min(k, |relevant|).
    { ranked: ['x', 'y', 'a'], relevant: set('a', 'b'), k: 2, recall: 0, ndcg: 0 },
  ];
  for (const c of cases) {
    assert.equal(recallAt(c.k, c.ranked, c.relevant), c.recall, `recall ${c.ranked}`);
    assert.ok(Math.abs(ndcgAt(c.k, c.ranked, c.relevant) - c.ndcg) < 1e-12, `ndcg ${c.ranked}`);
  }
  assert.equal(catalogCoverage([['a', 'b'], ['b', 'c']], 6), 0.5);
});

const r = (userId: string, itemId: string, rating: number, at: number): Rating => ({ userId, itemId, rating, at });

test('split by time: the last 20% (at least one) of each user is test; equal times break by item id', () => {
  const ratings = [
    ...Array.from({ length: 10 }, (_, i) => r('2', String(i + 1), 4, 100 - i)), // newest first in input
    r('1', '10', 5, 7),
    r('1', '9', 3, 7),
    r('1', '3', 4, 1),
    r('3', '1', 5, 1),
  ];
  const splits = splitByTime(ratings);
  assert.deepEqual(splits.map((s) => s.userId), ['1', '2', '3']);
  const cases: { user: string; train: string[]; test: string[] }[] = [
    { user: '1', train: ['3', '9'], test: ['10'] }, // 3 ratings: round(0.6) = 1 test; '9' < '10' numerically at the same time
    { user: '2', train: ['10', '9', '8', '7', '6', '5', '4', '3'], test: ['2', '1'] },
    { user: '3', train: [], test: ['1'] },
  ];
  for (const c of cases) {
    const s = splits.find((x) => x.userId === c.user)!;
    assert.deepEqual(s.train.map((x) => x.itemId), c.train, `user ${c.user} train`);
    assert.deepEqual(s.test.map((x) => x.itemId), c.test, `user ${c.user} test`);
  }
  assert.deepEqual([...relevantOf(splits[0]!)], ['10']);
});

test('the protocol end to end on a hand-computed example (popularity baseline)', () => {
  const ratings = [
    ...[['1', 5], ['2', 4], ['3', 3], ['4', 5], ['5', 5]].map(([item, stars], t) => r('u1', item as string, stars as number, t)),
    ...[['5', 4], ['6', 4], ['1', 4], ['2', 4], ['7', 2]].map(([item, stars], t) => r('u2', item as string, stars as number, t)),
    ...[['5', 5], ['6', 5], ['3', 5], ['8', 4], ['2', 5]].map(([item, stars], t) => r('u3', item as string, stars as number, t)),
  ];
  // Train counts: 1,2,3,5,6 twice; 4,8 once. u1 (test 5) gets 5,6,8: hit at rank 1. u2's test is a 2: not evaluated.
  // u3 (test 2) gets 1,2,4: hit at rank 2. Shown: 1,2,4,5,6,8 of 8 titles.
  const result = evaluate(ratings, [], [popularityCandidate], () => {}, () => 0, () => 0);
  assert.deepEqual(result, { users: 2, models: { popularity: { recall10: 1, ndcg10: Number(((1 + 1 / Math.log2(3)) / 2).toFixed(4)), coverage: 0.75, trainSec: 0, trainCpuSec: 0 } } });
});

test('item-kNN recommends what is watched together', () => {
  const ratings = ['u1', 'u2', 'u3'].flatMap((u, i) => [r(u, 'a', 4, 1), r(u, 'b', 4, 2), r(u, `solo${i}`, 4, 3)]);
  const rank = itemKnnCandidate(100).train(ratings, [], () => {});
  assert.deepEqual(rank([r('new', 'a', 5, 1)], 1), ['b']);
  assert.deepEqual(rank([r('new', 'a', 5, 1), r('new', 'b', 5, 1)], 10).length, 3);
});

test('MovieLens CSV: quoted titles, years, and clear errors', () => {
  assert.deepEqual(csvFields('11,"American President, The (1995)",Comedy|Drama|Romance'), ['11', 'American President, The (1995)', 'Comedy|Drama|Romance']);
  assert.deepEqual(csvFields('1,"Say ""Hi"" (2001)",Drama'), ['1', 'Say "Hi" (2001)', 'Drama']);
  const [movie] = parseMovies('movieId,title,genres\n11,"American President, The (1995)",Comedy|Drama\n');
  assert.deepEqual({ year: movie!.year, genres: movie!.genres, text: movie!.text.trim() }, { year: 1995, genres: ['Comedy', 'Drama'], text: 'American President, The' });
  assert.deepEqual(parseRatings('userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n'), [{ userId: '1', itemId: '31', rating: 2.5, at: 1260759144 }]);
  const bad: { text: string; message: RegExp }[] = [
    { text: 'user,movie\n1,2\n', message: /expected header userId,movieId,rating,timestamp/ },
    { text: 'userId,movieId,rating,timestamp\n1,31,good,1260759144\n', message: /line 2: expected .*numeric rating/ },
    { text: 'userId,movieId,rating,timestamp\n1,31\n', message: /line 2: expected 4 fields/ },
    { text: 'userId,movieId,rating,timestamp\n', message: /no ratings/ },
  ];
  for (const { text, message } of bad) assert.throws(() => parseRatings(text), (err: unknown) => err instanceof MovielensFormatError && message.test(err.message));
});
