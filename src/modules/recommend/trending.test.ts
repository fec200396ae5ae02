import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WORLDWIDE, trendingByCountry, trendingFor } from './trending.ts';

const H = 3_600_000;
const now = Date.parse('2026-11-01T00:00:00Z');

test('trending decays with age and is kept per country', () => {
  const cases: { name: string; events: { titleId: string; country: string; weight: number; at: number }[]; country: string; expect: string[] }[] = [
    { name: 'more plays win', events: [{ titleId: 'a', country: 'GB', weight: 1, at: now }, { titleId: 'b', country: 'GB', weight: 1, at: now }, { titleId: 'b', country: 'GB', weight: 1, at: now }], country: 'GB', expect: ['b', 'a'] },
    { name: 'three old plays lose to two fresh ones (half-life 24 h, 3 days old)', events: [...[1, 2, 3].map(() => ({ titleId: 'old', country: 'GB', weight: 1, at: now - 72 * H })), ...[1, 2].map(() => ({ titleId: 'new', country: 'GB', weight: 1, at: now - H }))], country: 'GB', expect: ['new', 'old'] },
    { name: 'countries are apart', events: [{ titleId: 'a', country: 'GB', weight: 1, at: now }, { titleId: 'b', country: 'US', weight: 1, at: now }], country: 'US', expect: ['b'] },
    { name: 'worldwide sums every country', events: [{ titleId: 'a', country: 'GB', weight: 1, at: now }, { titleId: 'b', country: 'US', weight: 2, at: now }], country: WORLDWIDE, expect: ['b', 'a'] },
    { name: 'negatives do not trend', events: [{ titleId: 'a', country: 'GB', weight: -3, at: now }, { titleId: 'b', country: 'GB', weight: 0.5, at: now }], country: 'GB', expect: ['b'] },
    { name: 'ties break on id', events: [{ titleId: 'z', country: 'GB', weight: 1, at: now }, { titleId: 'y', country: 'GB', weight: 1, at: now }], country: 'GB', expect: ['y', 'z'] },
  ];
  for (const c of cases) assert.deepEqual((trendingByCountry(c.events, now, 24, 10).get(c.country) ?? []).map((t) => t.titleId), c.expect, c.name);
});

test('half-life: a day-old play counts half', () => {
  const t = trendingByCountry([{ titleId: 'a', country: 'GB', weight: 1, at: now - 24 * H }], now, 24, 10).get('GB')!;
  assert.ok(Math.abs(t[0]!.score - 0.5) < 1e-12);
});

test('a small country is topped up from worldwide, below its own titles', () => {
  const trends = trendingByCountry([{ titleId: 'local', country: 'IS', weight: 1, at: now }, ...[1, 2, 3].map(() => ({ titleId: 'global', country: 'US', weight: 1, at: now }))], now, 24, 10);
  assert.deepEqual(trendingFor(trends, 'IS', 5).map((t) => t.titleId), ['local', 'global']);
  assert.deepEqual(trendingFor(trends, 'FR', 5).map((t) => t.titleId), ['global', 'local']);
  assert.deepEqual(trendingFor(trends, 'IS', 1).map((t) => t.titleId), ['local']);
});
