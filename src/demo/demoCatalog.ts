import type { MaturityRating, NewTitle } from '../modules/catalog/index.ts';
import { seededRandom } from '../platform/random.ts';

const GENRES = {
  Action: { words: ['Strike', 'Velocity', 'Iron', 'Rogue', 'Blackout', 'Outrun', 'Vanguard'], ratings: ['13+', '16+'] },
  Comedy: { words: ['Mix-Up', 'Weekend', 'Neighbours', 'Wedding', 'Roommates', 'Holiday', 'Gig'], ratings: ['7+', '13+'] },
  Drama: { words: ['Harbour', 'Letters', 'Silence', 'Inheritance', 'Crossing', 'Season', 'Promise'], ratings: ['13+', '16+'] },
  Documentary: { words: ['Planet', 'Oceans', 'Kitchen', 'Machines', 'Mountains', 'Bees', 'Cities'], ratings: ['all', '7+'] },
  'Sci-Fi': { words: ['Orbit', 'Signal', 'Horizon', 'Android', 'Nebula', 'Colony', 'Paradox'], ratings: ['13+', '16+'] },
  Thriller: { words: ['Witness', 'Cipher', 'Vanishing', 'Alibi', 'Undertow', 'Informant', 'Echo'], ratings: ['16+', '18+'] },
  Animation: { words: ['Pebble', 'Lantern', 'Dragonfly', 'Robot', 'Cloud', 'Puddle', 'Marble'], ratings: ['all', '7+'] },
  Family: { words: ['Treehouse', 'Picnic', 'Pony', 'Snowday', 'Campfire', 'Kite', 'Puppy'], ratings: ['all', '7+'] },
  Romance: { words: ['Paris', 'Letters', 'Summer', 'Vineyard', 'Rain', 'Bookshop', 'Dance'], ratings: ['13+', '16+'] },
  Horror: { words: ['Hollow', 'Basement', 'Whisper', 'Harvest', 'Mirror', 'Lighthouse', 'Static'], ratings: ['16+', '18+'] },
  Crime: { words: ['Syndicate', 'Heist', 'Precinct', 'Ledger', 'Docks', 'Verdict', 'Racket'], ratings: ['16+', '18+'] },
  Fantasy: { words: ['Crown', 'Wyvern', 'Grimoire', 'Citadel', 'Rune', 'Oracle', 'Thorn'], ratings: ['7+', '13+'] },
} as const satisfies Record<string, { words: readonly string[]; ratings: readonly MaturityRating[] }>;

type GenreName = keyof typeof GENRES;
const GENRE_NAMES = Object.keys(GENRES) as GenreName[];
const PREFIXES = ['The', 'Last', 'Midnight', 'Northern', 'Hidden', 'Golden', 'Broken', 'Little', 'Electric', 'Silver', 'Quiet', 'Wild'];
const FIRST = ['Ava', 'Noah', 'Mia', 'Leo', 'Zara', 'Omar', 'Ines', 'Kai', 'Priya', 'Jonas', 'Lena', 'Mateo', 'Yuki', 'Sam', 'Nia', 'Felix', 'Rosa', 'Idris'];
const LAST = ['Okafor', 'Lindqvist', 'Moreau', 'Tanaka', 'Silva', 'Kowalski', 'Haddad', 'Byrne', 'Rossi', 'Nguyen', 'Fischer', 'Patel', 'Mendes', 'Larsen'];
const PLACES = ['a northern port town', 'a city that never sleeps', 'a remote research station', 'a small village', 'a crumbling estate', 'a floating market', 'the edge of the galaxy', 'a sleepy suburb'];
/** Original languages (ISO 639-1); most titles also carry an English dub and subtitles. */
const ORIGINAL_LANGUAGES = ['en', 'en', 'fr', 'es', 'de', 'ja', 'ko', 'it', 'sv', 'pt'];
const HOOKS = ['an unexpected letter', 'a stolen map', 'a strange signal', 'a forgotten promise', 'a rival family', 'one last job', 'a missing friend', 'a secret recipe'];

export interface DemoTitle extends NewTitle {
  episodes?: { season: number; number: number; name: string; synopsis: string }[];
}

export const DEMO_TITLE_COUNT = 64;

/** Audio in the original language (plus an English dub for two in three foreign titles); subtitles in it, English and one more. */
function demoLanguages(i: number): { audioLanguages: string[]; subtitleLanguages: string[] } {
  const original = ORIGINAL_LANGUAGES[(i * 7) % ORIGINAL_LANGUAGES.length]!;
  const audioLanguages = original === 'en' || i % 3 === 0 ? [original] : [original, 'en'];
  return { audioLanguages, subtitleLanguages: [...new Set([original, 'en', i % 2 ? 'es' : 'fr'])] };
}

/** The demo catalog: movies and series across every genre, with kids titles among them. */
export function demoCatalog(count = DEMO_TITLE_COUNT, seed = 2026): DemoTitle[] {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const person = () => `${pick(FIRST)} ${pick(LAST)}`;
  const used = new Set<string>();
  const titles: DemoTitle[] = [];
  for (let i = 0; titles.length < count; i++) {
    const genre = GENRE_NAMES[i % GENRE_NAMES.length]!;
    const spec = GENRES[genre];
    const name = rand() < 0.5 ? `${pick(PREFIXES)} ${pick(spec.words)}` : `${pick(spec.words)} ${pick(['Rising', 'Protocol', 'Diaries', 'Club', 'Line', 'Street', 'Files', 'Road'])}`;
    if (used.has(name)) continue;
    used.add(name);
    const second = pick(GENRE_NAMES.filter((g) => g !== genre && GENRES[g].ratings.some((r) => (spec.ratings as readonly string[]).includes(r))));
    const series = i % 4 === 1;
    const synopsis = `In ${pick(PLACES)}, ${person().split(' ')[0]} is drawn into ${genre.toLowerCase()} trouble by ${pick(HOOKS)}.`;
    const title: DemoTitle = {
      type: series ? 'series' : 'movie',
      name,
      synopsis,
      year: 1978 + Math.floor(rand() * 48),
      genres: rand() < 0.6 ? [genre, second] : [genre],
      cast: Array.from({ length: 3 + Math.floor(rand() * 3) }, person),
      directors: [person()],
      maturityRating: pick(spec.ratings),
      popularity: Math.round(rand() * 1000) / 10,
      // From the title's number, not the seeded stream, so the names and people above stay as they were.
      ...demoLanguages(i),
    };
    if (series) {
      const seasons = 1 + Math.floor(rand() * 3);
      title.episodes = [];
      for (let s = 1; s <= seasons; s++) {
        const n = 3 + Math.floor(rand() * 4);
        for (let e = 1; e <= n; e++) title.episodes.push({ season: s, number: e, name: `${pick(['Arrival', 'The Deal', 'Crossroads', 'Fallout', 'Homecoming', 'Turning Point', 'Night Shift', 'Reunion'])}`, synopsis: `Season ${s}, episode ${e}: ${pick(HOOKS)} changes everything.` });
      }
    }
    titles.push(title);
  }
  return titles;
}
