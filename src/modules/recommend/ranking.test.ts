import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TitleFacts, blend, contextBoost, daypartOf, diversify, franchiseOf, isEligible } from './ranking.ts';

const fact = (id: string, over: Partial<TitleFacts> = {}): TitleFacts => ({ id, type: 'movie', name: id, year: 2020, genres: ['Drama'], maturityRating: '13+', worldwide: true, regions: [], popularity: 0, ...over });
const audience = { maxMaturityRating: '18+', country: 'GB', hidden: new Set<string>() };

test('eligibility: maturity, region, hidden', () => {
  const cases: [string, TitleFacts, Partial<typeof audience>, boolean][] = [
    ['adult sees 18+', fact('a', { maturityRating: '18+' }), {}, true],
    ['kid does not see 13+', fact('a'), { maxMaturityRating: '7+' }, false],
    ['kid sees all', fact('a', { maturityRating: 'all' }), { maxMaturityRating: '7+' }, true],
    ['licensed elsewhere only', fact('a', { worldwide: false, regions: ['US'] }), {}, false],
    ['licensed here', fact('a', { worldwide: false, regions: ['US', 'GB'] }), {}, true],
    ['rated down or finished', fact('a'), { hidden: new Set(['a']) }, false],
  ];
  for (const [name, t, a, expect] of cases) assert.equal(isEligible(t, { ...audience, ...a }), expect, name);
});

test('dayparts', () => {
  assert.deepEqual([5, 10, 11, 16, 17, 22, 23, 0, 4].map(daypartOf), ['morning', 'morning', 'daytime', 'daytime', 'evening', 'evening', 'late', 'late', 'late']);
});

test('context nudges within ±20%', () => {
  const cases: [string, Pick<TitleFacts, 'type' | 'genres'>, { device: string; daypart: ReturnType<typeof daypartOf> }, 'up' | 'down' | 'same'][] = [
    ['film on the TV in the evening', { type: 'movie', genres: ['Drama'] }, { device: 'tv', daypart: 'evening' }, 'up'],
    ['series on a phone', { type: 'series', genres: ['Drama'] }, { device: 'mobile', daypart: 'evening' }, 'up'],
    ['film on a phone', { type: 'movie', genres: ['Drama'] }, { device: 'mobile', daypart: 'evening' }, 'down'],
    ['cartoon in the morning', { type: 'movie', genres: ['Animation'] }, { device: 'web', daypart: 'morning' }, 'up'],
    ['horror in the morning', { type: 'movie', genres: ['Horror'] }, { device: 'web', daypart: 'morning' }, 'down'],
    ['horror late at night', { type: 'movie', genres: ['Horror'] }, { device: 'web', daypart: 'late' }, 'up'],
    ['drama on the web in the evening', { type: 'movie', genres: ['Drama'] }, { device: 'web', daypart: 'evening' }, 'same'],
  ];
  for (const [name, t, c, expect] of cases) {
    const b = contextBoost(t, c);
    assert.ok(b >= 0.8 && b <= 1.2, name);
    assert.equal(b > 1 ? 'up' : b < 1 ? 'down' : 'same', expect, name);
  }
});

test('blend: sources scaled and weighted, ineligible dropped, context applied', () => {
  const facts = new Map([fact('a'), fact('b'), fact('c', { maturityRating: '18+' }), fact('d', { type: 'series' })].map((f) => [f.id, f]));
  const out = blend({ personal: [{ itemId: 'a', score: 4 }, { itemId: 'b', score: 2 }, { itemId: 'c', score: 4 }], similar: [{ itemId: 'b', score: 10 }], trending: [{ itemId: 'd', score: 100 }] }, facts, { ...audience, maxMaturityRating: '16+' }, { device: 'web', daypart: 'evening' });
  assert.deepEqual(out.map((x) => x.itemId), ['a', 'b', 'd'], 'c is 18+');
  assert.ok(Math.abs(out[1]!.score - (0.5 + 0.35)) < 1e-9, 'b: half the best personal score, plus the best similar score');
  const phone = blend({ personal: [{ itemId: 'a', score: 1 }, { itemId: 'd', score: 1 }], similar: [], trending: [] }, facts, audience, { device: 'mobile', daypart: 'evening' });
  assert.deepEqual(phone.map((x) => x.itemId), ['d', 'a'], 'a series wins a tie on a phone');
});

test('franchise keys join sequels and parts', () => {
  const cases: [string, string][] = [
    ['Toy Story 2', 'toy story'],
    ['Toy Story', 'toy story'],
    ['Star Wars: Episode V - The Empire Strikes Back (1980)', 'star wars'],
    ['Rocky IV', 'rocky'],
    ['The Godfather: Part II', 'godfather'],
    ['Alien', 'alien'],
  ];
  for (const [name, key] of cases) assert.equal(franchiseOf(name), key, name);
});

test('diversify: at most two of a franchise, no genre monoculture, held titles fill what is left', () => {
  const facts = new Map(
    [
      fact('s1', { name: 'Saga 1', genres: ['Action'] }),
      fact('s2', { name: 'Saga 2', genres: ['Action'] }),
      fact('s3', { name: 'Saga 3', genres: ['Action'] }),
      fact('h1', { name: 'Howl', genres: ['Horror'] }),
      fact('h2', { name: 'Shriek', genres: ['Horror'] }),
      fact('h3', { name: 'Wail', genres: ['Horror'] }),
      fact('c1', { name: 'Giggle', genres: ['Comedy'] }),
    ].map((f) => [f.id, f]),
  );
  const ranked = ['s1', 's2', 's3', 'h1', 'h2', 'h3', 'c1'].map((itemId, i) => ({ itemId, score: 10 - i }));
  assert.deepEqual(diversify(ranked, facts, { limit: 4, maxPerFranchise: 2, maxGenreShare: 0.5 }), ['s1', 's2', 'h1', 'h2']);
  assert.deepEqual(diversify(ranked, facts, { limit: 6, maxPerFranchise: 2, maxGenreShare: 0.3 }), ['s1', 's2', 'h1', 'h2', 'c1', 'h3']);
  assert.deepEqual(diversify(ranked, facts, { limit: 7, maxPerFranchise: 2, maxGenreShare: 1 }), ['s1', 's2', 'h1', 'h2', 'h3', 'c1', 's3'], 'a small catalog still fills the row');
});
