import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Interaction, type ItemContent, deserialiseModel, itemEmbedding, scoreForHistory, serialiseModel, similarItems, trainRecModel, userEmbedding } from './index.ts';

const DAY = 86_400_000;
const genreOf: Record<string, string> = { h: 'Horror', c: 'Comedy', d: 'Documentary' };
const title = (itemId: string, extra: Partial<ItemContent> = {}): ItemContent => ({ itemId, genres: [genreOf[itemId[0]!]!], people: [], year: 2000, tags: [], text: '', ...extra });

/** Three taste groups of eight viewers; within a group everyone watched most of the group's titles. */
const catalog = [...['h1', 'h2', 'h3', 'h4', 'h5'], ...['c1', 'c2', 'c3', 'c4', 'c5'], ...['d1', 'd2', 'd3', 'd4', 'd5']].map((id) => title(id));
function viewing(): Interaction[] {
  const out: Interaction[] = [];
  for (const group of ['h', 'c', 'd']) {
    for (let u = 0; u < 8; u++) {
      for (let t = 1; t <= 5; t++) if ((u + t) % 5 !== 0) out.push({ userId: `${group}-fan${u}`, itemId: `${group}${t}`, weight: 1, at: (u * 5 + t) * DAY });
    }
  }
  // Comedy is the most popular overall: a popularity-only recommender would push comedy.
  for (let u = 0; u < 12; u++) for (const id of ['c1', 'c2']) out.push({ userId: `casual${u}`, itemId: id, weight: 1, at: u * DAY });
  return out;
}
const ids = (s: { itemId: string }[]) => s.map((x) => x.itemId);

test('a viewer who only watched horror gets horror first', () => {
  const model = trainRecModel(viewing(), catalog, { minItemUsers: 1, lambda: 1 });
  const cases: { history: string[] }[] = [{ history: ['h1'] }, { history: ['h1', 'h2'] }, { history: ['h3', 'h4', 'h5'] }];
  for (const { history } of cases) {
    const picks = scoreForHistory(model, history.map((itemId, i) => ({ itemId, weight: 1, at: i * DAY })), { limit: 5 - history.length });
    assert.deepEqual(picks.map((p) => p.itemId[0]), picks.map(() => 'h'), `history ${history}: ${ids(picks)}`);
    assert.ok(picks.every((p) => !history.includes(p.itemId)), 'nothing already watched comes back');
  }
});

test('a thumbs-down title is never recommended and its close neighbours are dampened', () => {
  const model = trainRecModel(viewing(), catalog, { minItemUsers: 1, lambda: 1 });
  const liked = [{ itemId: 'h1', weight: 1, at: 1 * DAY }, { itemId: 'c1', weight: 1, at: 2 * DAY }];
  const before = new Map(scoreForHistory(model, liked, { limit: 20 }).map((s) => [s.itemId, s.score]));
  const after = new Map(scoreForHistory(model, [...liked, { itemId: 'c2', weight: -1, at: 3 * DAY }], { limit: 20 }).map((s) => [s.itemId, s.score]));
  assert.ok(before.has('c2'));
  assert.ok(!after.has('c2'), 'the thumbs-down title is gone');
  for (const neighbour of ['c3', 'c4', 'c5']) assert.ok(after.get(neighbour)! < before.get(neighbour)!, `${neighbour} dampened`);
  const drop = (id: string) => before.get(id)! - after.get(id)!;
  for (const neighbour of ['c3', 'c4', 'c5']) assert.ok(drop(neighbour) > 2 * Math.abs(drop('h2')), `${neighbour} falls further than an unrelated title`);
});

test('a title nobody has played is found through its content', () => {
  const fresh = title('h-new', { genres: ['Horror'], people: ['Director X'], tags: ['haunted house'] });
  const withPeople = catalog.map((c) => (c.itemId === 'h2' ? { ...c, people: ['Director X'], tags: ['haunted house'] } : c));
  const model = trainRecModel(viewing(), [...withPeople, fresh], { minItemUsers: 1, lambda: 1 });
  const similar = similarItems(model, 'h-new', 3);
  assert.equal(similar[0]?.itemId, 'h2', 'shares director and tag');
  assert.ok(ids(similar).every((id) => id.startsWith('h')));
  const picks = ids(scoreForHistory(model, [{ itemId: 'h2', weight: 1, at: DAY }, { itemId: 'h1', weight: 1, at: 2 * DAY }, { itemId: 'h3', weight: 1, at: 3 * DAY }, { itemId: 'h4', weight: 1, at: 4 * DAY }, { itemId: 'h5', weight: 1, at: 5 * DAY }], { limit: 3 }));
  assert.equal(picks[0], 'h-new', `a horror fan who has seen every horror title gets the new one first: ${picks}`);
  const embedding = itemEmbedding(model, 'h-new')!;
  assert.ok(embedding.some((v) => v !== 0), 'it has a vector');
  assert.equal(itemEmbedding(model, 'unknown'), undefined);
});

test('cold start from three picked titles, for a viewer never seen in training', () => {
  const model = trainRecModel(viewing(), catalog, { minItemUsers: 1, lambda: 1 });
  const picks = scoreForHistory(model, ['d1', 'd2', 'd3'].map((itemId) => ({ itemId, weight: 1, at: 0 })), { limit: 2, exclude: new Set(['d5']) });
  assert.equal(picks[0]?.itemId, 'd4', 'the one documentary left that was not excluded');
  assert.notEqual(picks[1]?.itemId, 'd5');
});

test('user and item vectors: a horror fan sits closer to horror than to comedy', () => {
  const model = trainRecModel(viewing(), catalog, { minItemUsers: 1, lambda: 1 });
  const user = userEmbedding(model, [{ itemId: 'h1', weight: 1, at: 0 }, { itemId: 'h2', weight: 1, at: 1 }]);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  assert.ok(dot(user, itemEmbedding(model, 'h3')!) > dot(user, itemEmbedding(model, 'c3')!));
});

test('a model survives serialisation with the same scores', () => {
  const model = trainRecModel(viewing(), catalog, { minItemUsers: 1, lambda: 1 });
  const copy = deserialiseModel(serialiseModel(model));
  const history = [{ itemId: 'h1', weight: 1, at: DAY }, { itemId: 'c2', weight: -1, at: 2 * DAY }];
  assert.deepEqual(scoreForHistory(copy, history, { limit: 10 }), scoreForHistory(model, history, { limit: 10 }));
  assert.deepEqual(similarItems(copy, 'd1', 4), similarItems(model, 'd1', 4));
  assert.deepEqual(itemEmbedding(copy, 'c1'), itemEmbedding(model, 'c1'));
});
