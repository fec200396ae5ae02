import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FEEDBACK, interactionsOf, tasteOf } from './signals.ts';

const now = Date.parse('2026-11-01T00:00:00Z');
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();
const empty = { plays: [], ratings: [], myList: [] };
const play = (titleId: string, progress: number, at: string, episodeId: string | null = null) => ({ profileId: 'p', titleId, episodeId, progress, finished: progress >= 0.95, at });

test('each kind of feedback gets its weight', () => {
  const cases: [string, Parameters<typeof interactionsOf>[0], number | undefined][] = [
    ['finished', { ...empty, plays: [play('t', 1, daysAgo(1))] }, FEEDBACK.finished],
    ['started recently', { ...empty, plays: [play('t', 0.1, daysAgo(1))] }, FEEDBACK.started],
    ['a sample is no signal', { ...empty, plays: [play('t', 0.01, daysAgo(1))] }, undefined],
    ['started and left for weeks: abandoned', { ...empty, plays: [play('t', 0.1, daysAgo(30))] }, FEEDBACK.abandoned],
    ['half watched weeks ago: still a start', { ...empty, plays: [play('t', 0.5, daysAgo(30))] }, FEEDBACK.started],
    ['two thumbs up', { ...empty, ratings: [{ profileId: 'p', titleId: 't', rating: 2, at: daysAgo(1) }] }, FEEDBACK.rating['2']],
    ['on My List', { ...empty, myList: [{ profileId: 'p', titleId: 't', at: daysAgo(1) }] }, FEEDBACK.myList],
  ];
  for (const [name, signals, weight] of cases) {
    const got = interactionsOf(signals, [], now);
    assert.deepEqual(got.map((i) => i.weight), weight === undefined ? [] : [weight], name);
  }
});

test('a thumbs down outweighs everything else done with the title', () => {
  const signals = { plays: [play('t', 1, daysAgo(2))], ratings: [{ profileId: 'p', titleId: 't', rating: -1, at: daysAgo(1) }], myList: [{ profileId: 'p', titleId: 't', at: daysAgo(3) }] };
  assert.deepEqual(interactionsOf(signals, [], now).map((i) => i.weight), [FEEDBACK.rating['-1']]);
  const taste = tasteOf(signals, [], now);
  assert.deepEqual([...taste.disliked], ['t']);
  assert.deepEqual(taste.recentLikes, []);
});

test('episodes: a series counts once, and finishing an episode does not finish the series', () => {
  const signals = { ...empty, plays: [play('s', 1, daysAgo(3), 'e1'), play('s', 1, daysAgo(2), 'e2'), play('m', 1, daysAgo(1))] };
  const taste = tasteOf(signals, [], now);
  assert.deepEqual(taste.history.map((h) => [h.itemId, h.weight]), [['s', 1], ['m', 1]]);
  assert.deepEqual([...taste.finished], ['m']);
  assert.deepEqual(taste.recentLikes, ['m', 's']);
});

test('onboarding picks alone make a profile personal', () => {
  assert.equal(tasteOf(empty, [], now).personal, false);
  const taste = tasteOf(empty, [{ profileId: 'p', titleId: 'x', at: daysAgo(0) }], now);
  assert.equal(taste.personal, true);
  assert.deepEqual(taste.recentLikes, ['x']);
});
