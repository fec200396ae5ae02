import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HomeRow } from './homeRows.ts';
import { dedupeFirstScreen, firstScreenRepeats, orderHomeRows } from './rows.ts';

const item = (id: string) => ({ id, type: 'movie' as const, name: id, year: null, genres: [], maturityRating: 'all' as const, popularity: 0, artwork: { poster: null, backdrop: null } });
const row = (id: string, kind: HomeRow['kind'], ids: string[], title = id): HomeRow => ({ id, kind, title, reason: 'why', items: ids.map(item) });
const range = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);
const signals = { personal: true, lastListAddAt: undefined, affinity: new Map<string, number>(), now: 0 };

test('row order: continue first; picks and "because" rows lead a profile with history; popular rows lead a new one', () => {
  const rows = [row('genre:Drama', 'genre', ['a'], 'Drama'), row('new', 'new', ['a']), row('top10', 'top10', ['a']), row('trending', 'popular', ['a']), row('because:x', 'because_you_watched', ['a']), row('because:y', 'because_you_watched', ['a']), row('top-picks', 'top_picks', ['a']), row('my-list', 'my_list', ['a']), row('continue-watching', 'continue_watching', ['a'])];
  assert.deepEqual(orderHomeRows(rows, signals).map((r) => r.id), ['continue-watching', 'top-picks', 'because:x', 'trending', 'top10', 'because:y', 'new', 'my-list', 'genre:Drama']);
  const cold = orderHomeRows(rows.filter((r) => !['top_picks', 'because_you_watched', 'continue_watching', 'my_list'].includes(r.kind)), { ...signals, personal: false });
  assert.deepEqual(cold.map((r) => r.id), ['trending', 'top10', 'new', 'genre:Drama']);
  const listed = orderHomeRows(rows, { ...signals, lastListAddAt: 0, now: 86_400_000 });
  assert.deepEqual(listed.slice(0, 3).map((r) => r.id), ['continue-watching', 'top-picks', 'my-list'], 'a title just saved puts My List near the top');
  const genres = orderHomeRows([row('genre:Drama', 'genre', ['a'], 'Drama'), row('genre:Horror', 'genre', ['a'], 'Horror')], { ...signals, affinity: new Map([['Horror', 5], ['Drama', 1]]) });
  assert.deepEqual(genres.map((r) => r.title), ['Horror', 'Drama']);
});

test('first screen: no title twice; fixed rows kept whole; rows that cannot fit wait below', () => {
  const rows = [
    row('continue-watching', 'continue_watching', ['c1', 'p0']),
    row('top-picks', 'top_picks', range('p', 10)),
    row('top10', 'top10', ['p1', ...range('t', 9)]),
    row('because:x', 'because_you_watched', [...range('p', 8), 'b1']),
    row('trending', 'popular', [...range('p', 3), ...range('t', 9), ...range('r', 8)]),
    row('new', 'new', range('n', 12)),
    row('genre:Drama', 'genre', range('p', 10)),
  ];
  const out = dedupeFirstScreen(rows);
  assert.deepEqual(out.map((r) => r.id), ['continue-watching', 'top-picks', 'trending', 'new', 'top10', 'because:x', 'genre:Drama']);
  assert.deepEqual(firstScreenRepeats(out), []);
  assert.deepEqual(out[1]!.items.map((t) => t.id), range('p', 10).filter((id) => id !== 'p0'), 'top picks drop what is in Continue Watching');
  assert.deepEqual(out[2]!.items.map((t) => t.id), [...range('t', 9), ...range('r', 8)]);
  assert.deepEqual(out[4]!.items.map((t) => t.id), ['p1', ...range('t', 9)], 'the Top 10 waits below, whole and in order');
  assert.deepEqual(firstScreenRepeats(rows), ['p0', 'p1', 'p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
});
