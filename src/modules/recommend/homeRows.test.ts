import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type HomeRow, chooseArtwork, genreAffinity, orderRows, rowOrderOf } from './homeRows.ts';

const row = (id: string, kind: HomeRow['kind'], title = id): HomeRow => ({ id, kind, title, reason: 'test', items: [] });
const rows = [row('continue-watching', 'continue_watching'), row('popular', 'popular'), row('new', 'new'), row('genre:drama', 'genre', 'Drama'), row('genre:comedy', 'genre', 'Comedy')];
const ids = (r: HomeRow[]) => r.map((x) => x.id);

test('row orders', () => {
  assert.deepEqual(ids(orderRows(rows, 'default')), ids(rows));
  assert.deepEqual(ids(orderRows(rows, 'continue_first')), ids(rows));
  assert.deepEqual(ids(orderRows(rows.slice(1).concat(rows[0]!), 'continue_first'))[0], 'continue-watching');
  assert.deepEqual(ids(orderRows(rows, 'trending_first')), ['popular', 'continue-watching', 'new', 'genre:drama', 'genre:comedy']);
  const affinity = genreAffinity([{ genres: ['Comedy'] }, { genres: ['Comedy', 'Drama'] }]);
  assert.deepEqual([...affinity], [['Comedy', 2], ['Drama', 1]]);
  assert.deepEqual(ids(orderRows(rows, 'personalised', affinity)), ['continue-watching', 'genre:comedy', 'genre:drama', 'popular', 'new']);
  assert.deepEqual(ids(orderRows(rows, 'personalised')), ids(rows));
});

test('variant config decides; unknown configs fall back to the default', () => {
  assert.equal(rowOrderOf({ rowOrder: 'trending_first' }), 'trending_first');
  assert.equal(rowOrderOf({ rowOrder: 'sideways' }), 'default');
  assert.equal(rowOrderOf(undefined), 'default');
});

test('backdrop artwork swaps the card image only where a backdrop exists', () => {
  const item = (id: string, backdrop: string | null) => ({ id, type: 'movie' as const, name: id, year: null, genres: [], maturityRating: 'all' as const, popularity: 0, artwork: { poster: `${id}.p`, backdrop } });
  const r: HomeRow[] = [{ id: 'popular', kind: 'popular', title: 'P', reason: 'test', items: [item('a', 'a.b'), item('b', null)] }];
  assert.deepEqual(chooseArtwork(r, { artwork: 'backdrop' })[0]!.items.map((t) => t.artwork.poster), ['a.b', 'b.p']);
  assert.deepEqual(chooseArtwork(r, { artwork: 'poster' })[0]!.items.map((t) => t.artwork.poster), ['a.p', 'b.p']);
});
