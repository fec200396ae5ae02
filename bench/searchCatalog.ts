/**
 * The catalog and labelled query set of the search benchmarks (bench:search, bench:search:redisearch):
 * 20,000 generated titles (realistic names, people, episodes, synopses) plus the anchor titles of
 * bench/search-queries.json, and the labelled queries (hand-written plus generated from titles a US
 * adult can see). Seeded: the same options give the same catalog and queries.
 * Options: [--json] [--titles 20000] [--seed 1]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { IndexableTitle, MaturityRating } from '../src/modules/catalog/index.ts';
import type { Visibility } from '../src/modules/search/index.ts';
import { seededRandom } from '../src/platform/random.ts';

export const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, titles: { type: 'string', default: '20000' }, seed: { type: 'string', default: '1' } } });
const TOTAL = Number(args.titles);

const rand = seededRandom(Number(args.seed));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
export const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const ADJ = 'Silent Broken Golden Hidden Last Lost Crimson Midnight Northern Southern Endless Burning Frozen Wild Quiet Dark Bright Secret Savage Gentle Hollow Electric Silver Iron Velvet Scarlet Distant Final Little Lonely Fallen Rising Sacred Wicked Restless Shattered Forgotten Eternal Invisible Perfect Strange Bitter Sweet Curious Fearless Reckless Brave Ancient Modern Royal Rogue Deadly Lucky Crooked Faded Radiant Tender Violent Hungry Sleeping Waking Drifting Falling Blind Naked Painted Twisted Haunted Stolen Borrowed Burning Wandering Dangerous Beautiful Magnificent Ordinary Impossible Unbroken Untamed Unknown'.split(' ');
const NOUN = 'River Harbour Mountain Kingdom Empire Garden Station Letter Promise Signal Horizon Orbit Colony Paradox Witness Cipher Alibi Informant Echo Syndicate Heist Precinct Ledger Verdict Crown Citadel Oracle Thorn Lantern Dragonfly Marble Treehouse Campfire Lighthouse Mirror Basement Whisper Harvest Storm Ocean Desert Forest Island Valley Bridge Tower Castle Village City Highway Tunnel Frontier Border Shadow Flame Winter Summer Autumn Spring Dawn Dusk Night Morning Thunder Lightning Rain Snow Wind Fire Stone Glass Steel Gold Blood Bone Heart Soul Dream Memory Journey Voyage Escape Return Revenge Redemption Betrayal Conspiracy Protocol Mission Operation Assignment Contract Bargain Gambit Sacrifice Legacy Inheritance Covenant Prophecy Legend Saga Chronicle Diary Notebook Manuscript Archive Museum Library Theatre Circus Carnival Festival Wedding Funeral Reunion Party Dinner Recipe Kitchen Bakery Vineyard Orchard Farm Ranch Hotel Motel Casino Prison Hospital School Academy Republic Dynasty Tribe Clan Family Brotherhood Sisterhood Society Order Council Senate Parliament Revolution Rebellion Uprising Invasion Outbreak Pandemic Experiment Machine Android Robot Engine Satellite Rocket Planet Galaxy Nebula Comet Asteroid Eclipse Equinox Solstice Tide Current Wave Reef Glacier Volcano Canyon Cavern Labyrinth Maze Puzzle Riddle Game Match Tournament Championship Race Chase Hunt Pursuit Raid Siege Battle War Truce Treaty Alliance Pact Oath Vow Secret Lie Truth Confession Testimony Trial Judgement Sentence Pardon'.split(' ');
const PLACE = 'Paris Berlin Tokyo Lisbon Havana Cairo Mumbai Seoul Oslo Dublin Naples Marseille Istanbul Kyoto Lagos Nairobi Montreal Reykjavik Sarajevo Valparaiso Bogotá Málaga Zürich Kraków São Paulo Brooklyn Texas Alaska Yukon Patagonia Siberia Sahara Tuscany Provence Bavaria Andalusia Highlands Riviera'.split(' ');
const FIRST = 'James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Betty Mark Sandra Donald Ashley Steven Emily Paul Donna Andrew Michelle Joshua Carol Kenneth Amanda Kevin Melissa Brian Deborah George Stephanie Timothy Rebecca Ronald Sharon Jason Laura Edward Cynthia Jeffrey Kathleen Ryan Amy Jacob Angela Gary Shirley Nicholas Anna Eric Brenda Jonathan Pamela Stephen Emma Larry Nicole Justin Helen Scott Samantha Brandon Katherine Benjamin Christine Samuel Debra Gregory Rachel Alexander Carolyn Frank Janet Patrick Catherine Raymond Maria Jack Heather Dennis Diane Jerry Ruth Tyler Julie Aaron Olivia José Zoë Renée Chloé Søren Björn Ana Lucía Mateo Sofía Hugo Inès Léa Noé Zoé Joaquín Agnès Ramón Anaïs Ýr Łukasz Małgorzata Jiří Dvořák Émile Håkon Aoife Siobhán Niamh Oisín Yuki Haruto Sakura Min-jun Ji-woo Wei Mei Arjun Priya Aarav Ananya Kwame Amara Chidi Ngozi Omar Layla Yusuf Fatima Dmitri Olga Ivan Natasha'.split(' ');
const LAST = 'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gómez Phillips Evans Turner Díaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutiérrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jiménez Müller Schröder Weiß Fischer Dubois Lefèvre Moreau Fournier Rossi Russo Ferrari Esposito Bianchi Kowalski Nowak Wiśniewski Novák Svoboda Andersen Nielsen Hansen Johansson Lindqvist Virtanen Korhonen Tanaka Suzuki Watanabe Yamamoto Nakamura Kobayashi Park Choi Chen Wang Zhang Liu Singh Kumar Sharma Okafor Mensah Haddad Nasser Ivanov Petrov Sokolov Papadopoulos Yılmaz Kaya Ó Briain Mac Giolla'.split(' ');
const GENRES = ['Action', 'Adventure', 'Animation', 'Comedy', 'Crime', 'Documentary', 'Drama', 'Family', 'Fantasy', 'History', 'Horror', 'Music', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western', 'Sport', 'Musical'];
const RATINGS: MaturityRating[] = ['all', '7+', '13+', '16+', '18+'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'JP', 'BR', 'IN', 'ES', 'IT', 'CA'];
const SYN_A = ['a retired detective', 'two estranged sisters', 'a young chef', 'an ambitious lawyer', 'a grieving widower', 'a teenage hacker', 'a small-town sheriff', 'a disgraced surgeon', 'a travelling musician', 'a stubborn farmer'];
const SYN_B = ['uncovers a conspiracy', 'falls in love', 'plans one last heist', 'returns home', 'fights for survival', 'searches for a missing child', 'confronts the past', 'joins a rebellion', 'opens a restaurant', 'races against time'];
const SYN_C = ['in post-war Europe', 'on a remote island', 'in a city on the edge', 'across the galaxy', 'during a bitter winter', 'in the Scottish Highlands', 'at the end of the world', 'in 1920s Shanghai', 'on a failing farm', 'inside a haunted hotel'];

const person = () => `${pick(FIRST)} ${pick(LAST)}`;
function titleName(): string {
  switch (int(0, 9)) {
    case 0: return `The ${pick(ADJ)} ${pick(NOUN)}`;
    case 1: return `${pick(ADJ)} ${pick(NOUN)}`;
    case 2: return `The ${pick(NOUN)} of ${pick(PLACE)}`;
    case 3: return `${pick(NOUN)} of the ${pick(ADJ)} ${pick(NOUN)}`;
    case 4: return `${pick(FIRST)}'s ${pick(NOUN)}`;
    case 5: return `A ${pick(NOUN)} in ${pick(PLACE)}`;
    case 6: return `${pick(NOUN)} ${int(2, 4)}`;
    case 7: return `${pick(ADJ)} ${pick(NOUN)}: ${pick(['Part', 'Chapter', 'Book'])} ${pick(['One', 'Two', 'Three', 'II', 'III'])}`;
    case 8: return `${pick(NOUN)} and ${pick(NOUN)}`;
    default: return `The ${pick(NOUN)}`;
  }
}
/** Audio and subtitle languages from the title's number (not the seeded stream, so the catalog stays as it was). */
const LANGUAGES = ['en', 'en', 'en', 'fr', 'es', 'de', 'ja', 'ko', 'it', 'hi'];
const languages = (n: number) => {
  const original = LANGUAGES[(n * 7) % LANGUAGES.length]!;
  return { audioLanguages: original === 'en' ? ['en'] : [original, 'en'], subtitleLanguages: [...new Set([original, 'en', 'es'])] };
};
/** Zipf-like popularity: a few hits, a long tail. */
const popularity = () => Math.round(1000 / (1 + rand() * 200)) / 10;

interface Anchor { name: string; type?: 'movie' | 'series'; year: number; genres: string[]; cast: string[]; directors: string[]; episodes?: string[] }
interface Labelled { q: string; kind: string; title?: string; person?: string }
const labelled = JSON.parse(readFileSync(new URL('./search-queries.json', import.meta.url), 'utf8')) as { anchors: Anchor[]; queries: Labelled[] };

const slug = (name: string) => name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
export const titles: IndexableTitle[] = [];
const used = new Set<string>();
for (const a of labelled.anchors) {
  used.add(a.name.toLowerCase());
  titles.push({ id: `anchor-${titles.length}`, type: a.type ?? 'movie', name: a.name, synopsis: `${pick(SYN_A)} ${pick(SYN_B)} ${pick(SYN_C)}.`, year: a.year, maturityRating: '13+', popularity: popularity(), worldwide: true, regions: [], genres: a.genres.map((g) => ({ id: slug(g), name: g })), cast: a.cast, directors: a.directors, episodes: a.episodes ?? [], ...languages(titles.length) });
}
while (titles.length < TOTAL) {
  const name = titleName();
  if (used.has(name.toLowerCase())) continue;
  used.add(name.toLowerCase());
  const series = rand() < 0.25;
  const genres = [...new Set([pick(GENRES), ...(rand() < 0.6 ? [pick(GENRES)] : [])])];
  const worldwide = rand() < 0.85;
  titles.push({
    id: `t${titles.length}`,
    type: series ? 'series' : 'movie',
    name,
    synopsis: `${pick(SYN_A)} ${pick(SYN_B)} ${pick(SYN_C)}, and nothing will be the same.`,
    year: int(1950, 2026),
    maturityRating: pick(RATINGS),
    popularity: popularity(),
    worldwide,
    regions: worldwide ? [] : [...new Set([pick(COUNTRIES), pick(COUNTRIES)])],
    genres: genres.map((g) => ({ id: slug(g), name: g })),
    cast: Array.from({ length: int(3, 6) }, person),
    directors: [person()],
    episodes: series ? Array.from({ length: int(6, 10) }, () => `The ${pick(NOUN)}`) : [],
    ...languages(titles.length),
  });
}

// The labelled set: the hand-built queries plus queries generated from titles a US adult can see.
export const viewer: Visibility = { maxRank: 4, country: 'US' };
const visible = titles.filter((t) => t.worldwide || t.regions.includes('US'));
const byName = new Map(titles.map((t) => [t.name, t.id]));
const byPerson = new Map<string, Set<string>>();
for (const t of titles) for (const p of [...t.cast, ...t.directors]) byPerson.set(p, (byPerson.get(p) ?? new Set()).add(t.id));

export interface Case { q: string; kind: string; relevant: Set<string>; source: 'hand' | 'generated' }
export const cases: Case[] = labelled.queries.map((l) => ({ q: l.q, kind: l.kind, source: 'hand', relevant: l.title ? new Set([byName.get(l.title)!]) : byPerson.get(l.person!)! }));
for (const c of cases) if (!c.relevant || [...c.relevant].some((id) => id === undefined)) throw new Error(`Unlabelled query ${c.q}`);

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
/** One realistic typo in a word: swap two neighbours, drop, replace or double a letter (not the first). */
function typo(word: string): string {
  const i = int(1, word.length - 2);
  switch (int(0, 3)) {
    case 0: return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
    case 1: return word.slice(0, i) + word.slice(i + 1);
    case 2: return word.slice(0, i) + pick([...LETTERS].filter((c) => c !== word[i])) + word.slice(i + 1);
    default: return word.slice(0, i) + word[i] + word.slice(i);
  }
}
function typoQuery(name: string): string | undefined {
  const words = name.split(' ');
  // Words of 6+ letters, so that even a dropped letter leaves the 5 the typo rule starts at.
  const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => /^[A-Za-z]{6,}$/.test(w));
  if (candidates.length === 0) return undefined;
  const [w, i] = pick(candidates);
  let t = typo(w.toLowerCase());
  if (w.length >= 9 && rand() < 0.5) t = typo(t);
  words[i] = t;
  return words.join(' ').toLowerCase();
}
const GENERATED = { exact: 100, prefix: 100, typo: 300, space: 60, person: 80, personTypo: 60 };
for (let n = 0; n < GENERATED.exact; n++) { const t = pick(visible); cases.push({ q: t.name.toLowerCase(), kind: 'exact', relevant: new Set([t.id]), source: 'generated' }); }
// A generated prefix ("the bright s") is relevant to every title it completes to, not just the one it was cut from.
for (let n = 0; n < GENERATED.prefix; n++) {
  const t = pick(visible);
  const q = t.name.slice(0, Math.max(4, Math.ceil(t.name.length * 0.6))).toLowerCase();
  cases.push({ q, kind: 'prefix', relevant: new Set(visible.filter((v) => v.name.toLowerCase().startsWith(q)).map((v) => v.id)), source: 'generated' });
}
for (let n = 0; n < GENERATED.typo; ) { const t = pick(visible); const q = typoQuery(t.name); if (!q) continue; cases.push({ q, kind: 'typo', relevant: new Set([t.id]), source: 'generated' }); n++; }
for (let n = 0; n < GENERATED.space; ) { const t = pick(visible); const words = t.name.split(' '); if (words.length < 2) continue; const i = int(0, words.length - 2); words.splice(i, 2, words[i]! + words[i + 1]!); cases.push({ q: words.join(' ').toLowerCase(), kind: 'space', relevant: new Set([t.id]), source: 'generated' }); n++; }
for (let n = 0; n < GENERATED.person + GENERATED.personTypo; ) {
  const t = pick(visible);
  const p = pick(t.cast);
  let q = p.toLowerCase();
  const isTypo = n >= GENERATED.person;
  if (isTypo) { const [first, last] = [p.split(' ')[0]!, p.split(' ').slice(1).join(' ')]; if (last.length < 6 || !/^[A-Za-z]+$/.test(last)) continue; q = `${first} ${typo(last.toLowerCase())}`.toLowerCase(); }
  cases.push({ q, kind: isTypo ? 'typo' : 'person', relevant: byPerson.get(p)!, source: 'generated' }); n++;
}

export interface QualityScore { n: number; s1: number; s5: number; rr: number }

/** Success@1, Success@5 and reciprocal-rank sums per query kind and over 'all', from the rank of the first relevant hit (0: none). */
export class QualityTally {
  private readonly byKind = new Map<string, QualityScore>();

  add(kind: string, rank: number): void {
    for (const key of ['all', kind]) {
      const s = this.get(key);
      s.n++;
      if (rank === 1) s.s1++;
      if (rank >= 1 && rank <= 5) s.s5++;
      if (rank >= 1) s.rr += 1 / rank;
      this.byKind.set(key, s);
    }
  }

  get(kind: string): QualityScore {
    return this.byKind.get(kind) ?? { n: 0, s1: 0, s5: 0, rr: 0 };
  }
}
