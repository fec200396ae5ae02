import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndexableTitle, MaturityRating } from '../catalog/index.ts';
import { EmbeddedSearchEngine, type SearchParams, type Visibility } from './engine.ts';

// Enough titles sharing "star" that short prefixes count as broad queries and keep their work.
const ADJ = 'bright silent golden hidden crimson frozen hollow distant quiet savage velvet scarlet iron silver wild gentle burning broken endless lost'.split(' ');
const NOUN = 'harbour river kingdom garden station letter signal orbit colony cipher echo verdict crown oracle ledger alibi witness paradox empire mountain'.split(' ');
const RATINGS: MaturityRating[] = ['all', '7+', '13+', '16+', '18+'];

const title = (id: string, name: string, popularity: number, maturityRating: MaturityRating = 'all'): IndexableTitle => ({
  id, type: 'movie', name, synopsis: 'A story.', year: 2000, maturityRating, popularity, worldwide: true, regions: [],
  genres: [{ id: 'drama', name: 'Drama' }], cast: [], directors: [], episodes: [], audioLanguages: ['en'], subtitleLanguages: [],
});

const catalog = (): IndexableTitle[] =>
  ADJ.flatMap((a, i) => NOUN.flatMap((n, j) => [0, 1, 2].map((k) => title(`t${i}-${j}-${k}`, `Star ${a} ${n}${k ? ` ${['', 'returns', 'rising'][k]}` : ''}`, (i * 7 + j * 3 + k) % 50, RATINGS[(i + j + k) % 5]))));

const ADULT: Visibility = { maxRank: 4, country: 'US' };
const KIDS: Visibility = { maxRank: 1, country: 'US' };
const QUERIES: SearchParams[] = [
  { q: 'st', visibility: ADULT },
  { q: 'st', visibility: KIDS },
  { q: 's', visibility: ADULT, filters: { yearFrom: 1990 } },
  { q: 'star s', visibility: ADULT },
];

/** Asks everything twice (the second answer may come from kept work); both must equal a freshly built engine's. */
function assertAnswersAsFresh(engine: EmbeddedSearchEngine, titles: IndexableTitle[], what: string): void {
  const fresh = new EmbeddedSearchEngine(() => 2026);
  fresh.rebuild(titles);
  for (let round = 0; round < 2; round++) {
    for (const p of QUERIES) {
      assert.deepEqual(engine.search(p), fresh.search(p), `${what}: search ${p.q}`);
      assert.deepEqual(engine.suggest(p.q, p.visibility), fresh.suggest(p.q, p.visibility), `${what}: suggest ${p.q}`);
    }
  }
}

test('broad queries stay correct as titles are published, changed and withdrawn', () => {
  const titles = catalog();
  const engine = new EmbeddedSearchEngine(() => 2026);
  engine.rebuild(titles);
  assertAnswersAsFresh(engine, titles, 'built');

  // An exact name made of a known word, no more popular than the rest: only the entries holding "star" change.
  const star = title('new-star', 'Star', 49);
  engine.upsert(star);
  assert.equal(engine.suggest('st', ADULT).titles[0]?.text, 'Star');
  assert.equal(engine.search({ q: 'st', visibility: ADULT }).hits[0]?.name, 'Star');
  assertAnswersAsFresh(engine, [...titles, star], 'published');

  engine.upsert({ ...star, maturityRating: '18+' });
  assert.notEqual(engine.suggest('st', KIDS).titles[0]?.text, 'Star');
  assertAnswersAsFresh(engine, [...titles, { ...star, maturityRating: '18+' }], 'changed rating');

  engine.remove(star.id);
  assert.ok(!engine.suggest('st', ADULT).titles.some((t) => t.text === 'Star'));
  assertAnswersAsFresh(engine, titles, 'withdrawn');

  // A title that matches none of the queries leaves them as they were; a new most popular title (and new word) rescores them all.
  const moon = title('moon', 'Moon Harbour', 10);
  engine.upsert(moon);
  assertAnswersAsFresh(engine, [...titles, moon], 'unrelated');
  const hit = title('hit', 'Starling Rising', 500);
  engine.upsert(hit);
  assertAnswersAsFresh(engine, [...titles, moon, hit], 'most popular');
});

test('answers kept for one viewer are never shown to another', () => {
  const engine = new EmbeddedSearchEngine(() => 2026);
  engine.rebuild(catalog());
  engine.suggest('st', ADULT);
  engine.search({ q: 'st', visibility: ADULT });
  const kidsNames = new Set(catalog().filter((t) => RATINGS.indexOf(t.maturityRating) <= 1).map((t) => t.name));
  for (const t of engine.suggest('st', KIDS).titles) assert.ok(kidsNames.has(t.text), t.text);
  for (const h of engine.search({ q: 'st', visibility: KIDS, limit: 100 }).hits) assert.ok(kidsNames.has(h.name), h.name);
});
