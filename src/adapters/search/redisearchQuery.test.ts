import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndexableTitle } from '../../modules/catalog/index.ts';
import { parseQuery } from '../../modules/search/index.ts';
import { documentFields, documentScore, escapeTag, filterClause, textQuery, visibilityClause, wordAlternatives } from './redisearchQuery.ts';

test('typo alternatives scale with word length', () => {
  const cases: [string, boolean, string[]][] = [
    ['gump', false, ['gump']],
    ['go', true, ['go*']],
    ['g', true, ['g']],
    ['arrival', false, ['arrival', '%arrival%', 'rarival', 'arirval', 'arrvial', 'arriavl', 'arrivla']],
    ['godfa', true, ['godfa*', '%godfa%', 'ogdfa', 'gdofa', 'gofda', 'godaf']],
  ];
  for (const [word, prefix, expected] of cases) assert.deepEqual(wordAlternatives(word, prefix), expected, word);
  const long = wordAlternatives('interstellar', false);
  assert.ok(long.includes('%interstellar%') && long.includes('%itnerstellar%') && long.includes('%nterstellar%'), 'nine letters and more: a swap or a deletion plus one more typo');
  assert.ok(!long.some((a) => a.includes('%%')));
});

test('queries: required words intersect, stop words are optional, short prefixes look at names and people only', () => {
  assert.equal(textQuery(parseQuery('the gump ')), '(~(the|thegump)) (gump|thegump)');
  assert.equal(textQuery(parseQuery('to')), '@name|cast|directors|genres:(to*)');
  assert.equal(textQuery(parseQuery('toy st')), '(toy|toyst*) @name|cast|directors|genres:(st*|saint|toyst*)');
  assert.equal(textQuery(parseQuery('sci-fi ')), '(scifi)');
  assert.equal(textQuery(parseQuery('tom hanks '), { primaryOnly: true }), '@name|cast|directors|genres:((tom|tomhanks) (hanks|%hanks%|ahnks|hnaks|hakns|hansk|tomhanks))');
  assert.equal(textQuery(parseQuery('big red dog '), { allButOne: true }), '(((red|bigred|reddog) (dog|reddog))|((big|bigred) (dog|reddog))|((big|bigred) (red|bigred|reddog)))');
});

test('filters and visibility', () => {
  assert.equal(visibilityClause({ maxRank: 1, country: 'US' }), '@rank:[-inf 1] @regions:{world|us}');
  assert.equal(visibilityClause({ maxRank: 4, country: 'FR' }, 2), '@rank:[-inf 2] @regions:{world|fr}');
  assert.equal(visibilityClause(undefined), '');
  assert.equal(filterClause({ genre: 'g-sci-fi', type: 'series', yearFrom: 1990, audio: 'fr', subtitles: 'en' }), '@genre:{g\\-sci\\-fi} @type:{series} @year:[1990 +inf] @audio:{fr} @subtitles:{en}');
  assert.equal(filterClause({ genre: 'drama', type: 'movie' }, 'genre'), '@type:{movie}');
  assert.equal(filterClause({ yearTo: 2000 }), '@year:[-inf 2000]');
  assert.equal(escapeTag('a b|c}'), 'a\\ b\\|c\\}');
});

test('documents hold analysed text (folded, synonyms, run-together words) and tags', () => {
  const t: IndexableTitle = {
    id: 't1', type: 'movie', name: 'Amélie', synopsis: 'The story of a girl', year: null, maturityRating: '13+', popularity: 5, worldwide: false, regions: ['FR', 'BE'],
    genres: [{ id: 'g-1', name: 'Sci-Fi' }], cast: ['Audrey Tautou'], directors: [], episodes: [], audioLanguages: ['FR'], subtitleLanguages: [],
  };
  const f = documentFields(t, 2);
  const field = (name: string) => f[f.indexOf(name) + 1];
  assert.equal(field('name'), 'amelie');
  assert.equal(field('cast'), 'audrey audreytautou tautou');
  assert.equal(field('genres'), 'sci scifi fi');
  assert.equal(field('synopsis'), 'story girl');
  assert.equal(field('regions'), 'fr,be');
  assert.equal(field('people'), 'audrey tautou');
  assert.equal(field('audio'), 'fr');
  assert.equal(field('rank'), '2');
  assert.ok(!f.includes('year'), 'no year: left out of year filters');
  assert.deepEqual(JSON.parse(field('doc')!), t);
  assert.ok(documentScore(0) === 0.5 && documentScore(100) > documentScore(10) && documentScore(1e9) < 1);
});
