import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startRediSearch } from '../../../test/support/redisearch.ts';
import { type IndexableTitle, type MaturityRating, maturityRank } from '../../modules/catalog/index.ts';
import { EmbeddedSearchEngine, type SearchBackend, type SearchParams, type Visibility } from '../../modules/search/index.ts';
import { RediSearchBackend } from './redisearch.ts';

/** What every search backend must do, embedded or on a search server, through `SearchBackend` alone. */

const YEAR = 2026;
const ADULT_US: Visibility = { maxRank: maturityRank('18+'), country: 'US' };
const ADULT_FR: Visibility = { maxRank: maturityRank('18+'), country: 'FR' };
const KIDS_US: Visibility = { maxRank: maturityRank('7+'), country: 'US' };

const g = (name: string) => ({ id: `g-${name.toLowerCase().replace(/\W+/g, '-')}`, name });
const title = (id: string, name: string, o: Partial<IndexableTitle> & { rating?: MaturityRating } = {}): IndexableTitle => ({
  id, type: 'movie', name, synopsis: '', year: 2000, maturityRating: o.rating ?? '13+', popularity: 10, worldwide: true, regions: [],
  genres: [g('Drama')], cast: [], directors: [], episodes: [], audioLanguages: ['en'], subtitleLanguages: [], ...o,
});

const TITLES: IndexableTitle[] = [
  title('godfather', 'The Godfather', { year: 1972, rating: '16+', genres: [g('Crime'), g('Drama')], cast: ['Marlon Brando', 'Al Pacino'], directors: ['Francis Ford Coppola'], popularity: 95 }),
  title('godfather2', 'The Godfather Part II', { year: 1974, rating: '16+', genres: [g('Crime'), g('Drama')], cast: ['Al Pacino', 'Robert De Niro'], directors: ['Francis Ford Coppola'], popularity: 70 }),
  title('gump', 'Forrest Gump', { year: 1994, genres: [g('Drama'), g('Romance')], cast: ['Tom Hanks', 'Robin Wright'], directors: ['Robert Zemeckis'], popularity: 80 }),
  title('castaway', 'Cast Away', { year: 2000, genres: [g('Drama'), g('Adventure')], cast: ['Tom Hanks', 'Helen Hunt'], directors: ['Robert Zemeckis'], popularity: 60 }),
  title('toystory', 'Toy Story', { year: 1995, rating: 'all', genres: [g('Animation'), g('Family')], cast: ['Tom Hanks', 'Tim Allen'], directors: ['John Lasseter'], popularity: 90, audioLanguages: ['en', 'fr'], subtitleLanguages: ['en'] }),
  title('amelie', 'Amélie', { year: 2001, genres: [g('Romance'), g('Comedy')], cast: ['Audrey Tautou'], directors: ['Jean-Pierre Jeunet'], popularity: 50, audioLanguages: ['fr'], subtitleLanguages: ['en', 'de'] }),
  title('volver', 'Volver', { year: 2006, rating: '16+', cast: ['Penélope Cruz'], directors: ['Pedro Almodóvar'], popularity: 30, audioLanguages: ['es'], subtitleLanguages: ['en'] }),
  title('interstellar', 'Interstellar', { year: 2014, genres: [g('Sci-Fi')], cast: ['Matthew McConaughey', 'Anne Hathaway'], directors: ['Christopher Nolan'], popularity: 85, synopsis: 'Explorers travel through a wormhole in space.' }),
  title('arrival', 'Arrival', { year: 2016, genres: [g('Science Fiction')], cast: ['Amy Adams'], directors: ['Denis Villeneuve'], popularity: 40 }),
  title('spiderman', 'Spider-Man', { year: 2002, genres: [g('Action')], cast: ['Tobey Maguire'], directors: ['Sam Raimi'], popularity: 65 }),
  title('nightmare', 'Nightmare Street', { year: 2010, rating: '18+', genres: [g('Horror')], cast: ['Tom Hanks Jr'], popularity: 20 }),
  title('voyage', 'Le Voyage', { year: 2019, rating: 'all', genres: [g('Family')], cast: ['Zoé Martin'], popularity: 10, worldwide: false, regions: ['FR'] }),
  title('harbour', 'Harbour Lights', { type: 'series', year: 2021, genres: [g('Drama')], cast: ['Ana Silva'], episodes: ['The Lighthouse Keeper', 'Low Tide'], popularity: 45 }),
];

function searchBackendContract(name: string, make: () => Promise<SearchBackend | undefined>, cleanup: (b: SearchBackend) => Promise<void> = async () => undefined) {
  describe(`search backend contract: ${name}`, async () => {
    const backend = await make();
    const skip = !backend;
    const names = async (q: string, extra: Omit<SearchParams, 'q'> = {}) => (await backend!.search({ q, visibility: ADULT_US, ...extra })).hits.map((h) => h.name);
    const ids = async (q: string, extra: Omit<SearchParams, 'q'> = {}) => (await backend!.search({ q, visibility: ADULT_US, ...extra })).hits.map((h) => h.titleId);

    before(async () => {
      if (backend) await backend.rebuild(TITLES);
    });
    after(async () => {
      if (backend) await cleanup(backend);
    });

    test('exact names come first, with highlights of what matched', { skip }, async () => {
      const r = await backend!.search({ q: 'the godfather', visibility: ADULT_US });
      assert.equal(r.hits[0]?.name, 'The Godfather');
      assert.deepEqual(r.hits[0]?.matches.find((m) => m.field === 'name'), { field: 'name', value: 'The Godfather', ranges: [[0, 13]] });
      assert.equal(r.total, 2);
    });

    for (const [kind, q, expected] of [
      ['transposition', 'arirval', 'Arrival'],
      ['transposition in a long word', 'intersetllar', 'Interstellar'],
      ['deletion', 'godfathr', 'The Godfather'],
      ['substitution', 'forrezt gump', 'Forrest Gump'],
      ['insertion', 'arrivall', 'Arrival'],
      ['missing space', 'toystory', 'Toy Story'],
      ['two typos in a long word (swap and deletion)', 'intrestelar', 'Interstellar'],
    ] as const) {
      test(`typo: ${kind} ("${q}" finds ${expected})`, { skip }, async () => {
        assert.equal((await names(q))[0], expected);
      });
    }

    test('typo budget scales with word length: none below 5 letters', { skip }, async () => {
      assert.deepEqual(await names('gmup '), [], 'four letters, one swap: no match');
      assert.deepEqual(await names('fantasticimpossiblewords'), []);
    });

    test('prefixes: as-you-type completes the last word only', { skip }, async () => {
      assert.deepEqual(new Set((await names('godf')).slice(0, 2)), new Set(['The Godfather', 'The Godfather Part II']));
      assert.equal((await names('toy st'))[0], 'Toy Story');
      assert.equal((await names('interst'))[0], 'Interstellar');
      assert.deepEqual(await names('godf '), [], 'a finished word is not a prefix');
    });

    test('stop words in a longer query are optional, the other words are not', { skip }, async () => {
      const r = await backend!.search({ q: 'the godfather of part', visibility: ADULT_US });
      assert.deepEqual(r.hits.map((h) => h.titleId), ['godfather2']);
      assert.equal(r.total, 1);
      assert.deepEqual(await ids('a wormhole of the space'), ['interstellar']);
    });

    test('people: a name finds their titles, the person ahead of a longer name', { skip }, async () => {
      const hanks = await ids('tom hanks');
      assert.deepEqual(new Set(hanks.slice(0, 3)), new Set(['gump', 'toystory', 'castaway']));
      assert.deepEqual(new Set(await ids('robert zemeckis')), new Set(['gump', 'castaway']));
      assert.equal((await names('al pacino')).length, 2);
    });

    test('diacritics are folded both ways', { skip }, async () => {
      assert.equal((await names('amelie'))[0], 'Amélie');
      assert.equal((await names('AMÉLIE'))[0], 'Amélie');
      assert.equal((await names('penelope cruz'))[0], 'Volver');
      assert.equal((await names('almodovar'))[0], 'Volver');
    });

    test('synonyms: any member finds every other', { skip }, async () => {
      for (const q of ['sci-fi', 'science fiction', 'scifi']) assert.deepEqual(new Set(await ids(q)), new Set(['interstellar', 'arrival']), q);
    });

    test('episodes and synopses are searched too', { skip }, async () => {
      assert.equal((await names('lighthouse keeper'))[0], 'Harbour Lights');
      assert.equal((await names('wormhole'))[0], 'Interstellar');
    });

    test('filters: genre, type, years, audio and subtitle language; facets count before the chips', { skip }, async () => {
      assert.deepEqual(new Set(await ids('robert', { filters: { genre: 'g-crime' } })), new Set(['godfather2']));
      assert.deepEqual(await ids('harbour', { filters: { type: 'movie' } }), []);
      assert.deepEqual(await ids('harbour', { filters: { type: 'series' } }), ['harbour']);
      assert.deepEqual(new Set(await ids('tom hanks', { filters: { yearFrom: 1994, yearTo: 1995 } })), new Set(['gump', 'toystory']));
      assert.deepEqual(await ids('tom hanks', { filters: { audio: 'fr' } }), ['toystory']);
      assert.deepEqual(await ids('jeunet', { filters: { subtitles: 'de' } }), ['amelie']);
      assert.deepEqual(await ids('jeunet', { filters: { subtitles: 'es' } }), []);
      const r = await backend!.search({ q: 'tom hanks', visibility: ADULT_US, filters: { genre: 'g-romance' } });
      assert.deepEqual(r.hits.map((h) => h.titleId), ['gump']);
      assert.equal(r.total, 1);
      const drama = r.facets.genres.find((f) => f.id === 'g-drama');
      assert.equal(drama?.count, 2, 'genre facets ignore the genre chip');
      assert.deepEqual(r.facets.types, [{ type: 'movie', count: 1 }], 'type facets respect the genre chip');
    });

    test('maturity: a kids profile never sees a title above its rating, whatever the query or filter', { skip }, async () => {
      assert.deepEqual(await ids('godfather', { visibility: KIDS_US }), []);
      assert.deepEqual(await ids('tom hanks', { visibility: KIDS_US }), ['toystory']);
      assert.deepEqual(await ids('nightmare', { visibility: KIDS_US, filters: { maxRank: 4 } }), [], 'a filter narrows, never widens');
      assert.deepEqual(await ids('godfather', { filters: { maxRank: maturityRank('13+') } }), []);
      const s = await backend!.suggest('tom', KIDS_US);
      assert.ok(s.titles.every((t) => t.titleId === 'toystory'), JSON.stringify(s.titles));
    });

    test('region: a title licensed in some countries is found only there', { skip }, async () => {
      assert.deepEqual(await ids('voyage', { visibility: ADULT_US }), []);
      assert.deepEqual(await ids('voyage', { visibility: ADULT_FR }), ['voyage']);
      assert.deepEqual((await backend!.suggest('voya', ADULT_US)).titles, []);
      assert.equal((await backend!.suggest('voya', ADULT_FR)).titles[0]?.titleId, 'voyage');
    });

    test('suggest: titles, people with their visible title counts, and genres for a partial query', { skip }, async () => {
      const s = await backend!.suggest('tom h', ADULT_US);
      assert.equal(s.people[0]?.name, 'Tom Hanks');
      assert.equal(s.people[0]?.titleCount, 3);
      assert.deepEqual(s.people[0]?.ranges, [[0, 9]]);
      assert.equal((await backend!.suggest('tom h', KIDS_US)).people.find((p) => p.name === 'Tom Hanks')?.titleCount, 1);
      assert.equal((await backend!.suggest('godf', ADULT_US)).titles[0]?.text, 'The Godfather');
      assert.deepEqual((await backend!.suggest('roman', ADULT_US)).genres.map((x) => x.id), ['g-romance']);
    });

    test('taste: the genres and people of watched titles', { skip }, async () => {
      const taste = await backend!.tasteOf(['castaway', 'no-such-title']);
      assert.deepEqual(taste, [{ genres: ['g-drama', 'g-adventure'], people: ['tom hanks', 'helen hunt', 'robert zemeckis'] }]);
    });

    test('taste ranks a fan’s titles higher among equal matches', { skip }, async () => {
      const plain = await ids('robert');
      const fan = await ids('robert', { affinity: { genres: new Map(), people: new Map([['robert zemeckis', 1]]) } });
      assert.notEqual(plain[0], 'castaway');
      assert.deepEqual(new Set(fan.slice(0, 2)), new Set(['gump', 'castaway']));
    });

    test('freshness: published, changed and withdrawn titles show at once', { skip }, async () => {
      await backend!.upsert(title('newbie', 'Quantum Orchard', { cast: ['Lena Ostrova'] }));
      assert.deepEqual(await ids('quantum orchard'), ['newbie']);
      assert.deepEqual(await ids('ostrova'), ['newbie']);
      await backend!.upsert(title('newbie', 'Quantum Meadow', { cast: ['Lena Ostrova'] }));
      assert.deepEqual(await ids('orchard'), []);
      assert.deepEqual(await ids('quantum meadow'), ['newbie']);
      await backend!.remove('newbie');
      assert.deepEqual(await ids('quantum'), []);
      assert.deepEqual(await ids('ostrova'), []);
      assert.deepEqual((await backend!.suggest('ostro', ADULT_US)).people, []);
      await backend!.remove('newbie');
    });

    test('rebuild keeps what is live and drops what is not', { skip }, async () => {
      await backend!.upsert(title('stale', 'Forgotten Lantern'));
      await backend!.rebuild(TITLES);
      assert.deepEqual(await ids('forgotten lantern'), []);
      assert.equal((await names('the godfather'))[0], 'The Godfather');
    });

    test('bad input is answered, not thrown', { skip }, async () => {
      for (const q of ['', '   ', '"*%@{}[]()|-~', "'; DROP TABLE titles; --", '@name:(x) | *', 'a'.repeat(200), '%%%', '\\']) {
        const r = await backend!.search({ q, visibility: ADULT_US });
        assert.ok(Array.isArray(r.hits), q);
        await backend!.suggest(q, ADULT_US);
      }
    });
  });
}

searchBackendContract('embedded', async () => new EmbeddedSearchEngine(() => YEAR));

const server = await startRediSearch();
after(() => server?.stop());
searchBackendContract(
  'redisearch',
  async () => server && new RediSearchBackend(server.client(), { index: `test:search:${randomBytes(4).toString('hex')}`, currentYear: () => YEAR }),
  async (b) => (b as RediSearchBackend).drop(),
);
