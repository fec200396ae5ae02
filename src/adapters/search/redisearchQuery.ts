import type { IndexableTitle } from '../../modules/catalog/index.ts';
import { type SearchFilters, type SlotSpec, type Visibility, indexTokens, personKey, typoBudget } from '../../modules/search/index.ts';

/**
 * Pure translation between Marquee search and RediSearch 1.2 (Debian's `redis-redisearch`): the
 * document a title becomes and the query a search becomes. No I/O. Text is analysed here with
 * the embedded engine's own rules (diacritics folded, synonyms' canonical terms added, adjacent
 * words also run together), so the server only matches terms, prefixes and typos.
 */

/** Text fields and weights, as in the embedded engine; the first four are the "primary" ones suggestions look at. */
export const TEXT_FIELDS = [
  { name: 'name', weight: 10, joinPairs: true, dropStopWords: false },
  { name: 'cast', weight: 7, joinPairs: true, dropStopWords: false },
  { name: 'directors', weight: 6, joinPairs: true, dropStopWords: false },
  { name: 'genres', weight: 6, joinPairs: false, dropStopWords: false },
  { name: 'episodes', weight: 4, joinPairs: true, dropStopWords: false },
  { name: 'synopsis', weight: 2, joinPairs: false, dropStopWords: true },
] as const;
const PRIMARY = '@name|cast|directors|genres';
/** Unfinished words shorter than this complete against the primary fields only (as embedded). */
const SHORT_PREFIX = 4;
/** RediSearch 1.2 expands prefixes of at least this many letters (its MINPREFIX). */
const MIN_PREFIX = 2;
/** Tag for titles licensed everywhere (country codes are two letters, so it cannot clash). */
export const WORLDWIDE = 'world';

/** Arguments of FT.CREATE after the index name. */
export function schemaArgs(): string[] {
  return [
    // Stop words are the query's business: "the" is optional in "the matrix" but required alone.
    'STOPWORDS', '0',
    'SCHEMA',
    ...TEXT_FIELDS.flatMap((f) => [f.name, 'TEXT', 'WEIGHT', String(f.weight)]),
    'genre', 'TAG', 'type', 'TAG', 'regions', 'TAG', 'people', 'TAG', 'audio', 'TAG', 'subtitles', 'TAG',
    'year', 'NUMERIC', 'rank', 'NUMERIC',
  ];
}

/** A field's values analysed into the terms the embedded index would hold for it. */
const analysed = (values: readonly string[], spec: { joinPairs: boolean; dropStopWords: boolean }): string =>
  values.map((v) => indexTokens(v, spec).tokens.map((t) => t.term).join(' ')).join(' , ');

/**
 * A-priori document score in (0.5, 1): RediSearch multiplies text relevance by it, so among equal
 * text matches popular titles make the candidate page. Needs no global maximum (which would go stale).
 */
export const documentScore = (popularity: number): number => 1 - 1 / (2 + Math.log1p(Math.max(0, popularity)));

/** The FIELDS of FT.ADD for a title; `doc` (the title as JSON) is stored, not indexed. */
export function documentFields(t: IndexableTitle, maturityRank: number): string[] {
  const text: Record<(typeof TEXT_FIELDS)[number]['name'], readonly string[]> = {
    name: [t.name],
    cast: t.cast,
    directors: t.directors,
    genres: t.genres.map((g) => g.name),
    episodes: t.episodes,
    synopsis: [t.synopsis],
  };
  const fields: string[] = [];
  for (const f of TEXT_FIELDS) fields.push(f.name, analysed(text[f.name], f));
  const tags = (values: readonly string[]) => [...new Set(values.map((v) => v.toLowerCase()).filter((v) => v && !v.includes(',')))].join(',');
  fields.push('genre', tags(t.genres.map((g) => g.id)));
  fields.push('type', t.type);
  fields.push('regions', tags(t.worldwide ? [WORLDWIDE] : t.regions));
  fields.push('people', tags([...t.cast, ...t.directors].map(personKey)));
  fields.push('audio', tags(t.audioLanguages));
  fields.push('subtitles', tags(t.subtitleLanguages));
  if (t.year !== null) fields.push('year', String(t.year));
  fields.push('rank', String(maturityRank));
  fields.push('doc', JSON.stringify(t));
  return fields;
}

/** A tag value made safe inside `{…}` (every punctuation and space escaped). */
export const escapeTag = (value: string): string => value.toLowerCase().replace(/[^\p{L}\p{N}]/gu, (c) => `\\${c}`);

/** The word with two neighbouring letters swapped, at every position. */
const swaps = (w: string): string[] => {
  const out: string[] = [];
  for (let i = 0; i + 1 < w.length; i++) if (w[i] !== w[i + 1]) out.push(w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2));
  return out;
};
const deletions = (w: string): string[] => Array.from(w, (_, i) => w.slice(0, i) + w.slice(i + 1));

/**
 * What a typed word may match. RediSearch 1.2 has one fuzzy operator, `%w%` (Levenshtein
 * distance 1, no transpositions), so: one typo from 5 letters is `%w%` or one swap of neighbours
 * (the embedded engine counts a swap as one typo); two from 9 letters add `%w'%` for every w' one
 * swap or one deletion away — that covers a swap or an extra letter plus any other typo, but not
 * two missing or two wrong letters (the embedded engine finds those).
 */
export function wordAlternatives(word: string, prefix: boolean): string[] {
  const out = new Set<string>([prefix && word.length >= MIN_PREFIX ? `${word}*` : word]);
  const budget = typoBudget(word.length);
  if (budget >= 1) {
    out.add(`%${word}%`);
    for (const s of swaps(word)) out.add(s);
  }
  if (budget >= 2) for (const w of [...swaps(word), ...deletions(word)]) out.add(`%${w}%`);
  return [...out];
}

/** One query word (or synonym phrase) as a union of everything it may match. */
export function slotClause(s: SlotSpec): string {
  const alts = new Set<string>();
  if (s.word) for (const a of wordAlternatives(s.word, s.prefix)) alts.add(a);
  if (s.synonym) alts.add(s.synonym);
  for (const j of s.joins) alts.add(j.prefix && j.term.length >= MIN_PREFIX ? `${j.term}*` : j.term);
  const union = `(${[...alts].join('|')})`;
  const scoped = s.prefix && s.word !== undefined && s.word.length < SHORT_PREFIX ? `${PRIMARY}:${union}` : union;
  // Parenthesised: RediSearch 1.2 reads `~a b` as "optionally (a and b)".
  return s.optional ? `(~${scoped})` : scoped;
}

/**
 * The text part of a query: every required word must match (stop words in longer queries are
 * optional). `allButOne`: titles matching all required words but one, the embedded engine's
 * fallback when nothing matches them all. `primaryOnly`: names, people and genres (suggestions).
 */
export function textQuery(specs: readonly SlotSpec[], o: { allButOne?: boolean; primaryOnly?: boolean } = {}): string {
  const clauses = specs.map(slotClause);
  const optional = clauses.filter((_, i) => specs[i]!.optional);
  const required = clauses.filter((_, i) => !specs[i]!.optional);
  let text: string;
  if (o.allButOne && required.length >= 2) {
    text = `(${required.map((_, skip) => `(${required.filter((__, i) => i !== skip).join(' ')})`).join('|')})${optional.length ? ` ${optional.join(' ')}` : ''}`;
  } else {
    text = clauses.join(' ');
  }
  return o.primaryOnly ? `${PRIMARY}:(${text})` : text;
}

/** What the viewer may see: their maturity limit (narrowed by a filter) and country. */
export function visibilityClause(v: Visibility | undefined, maxRankFilter?: number): string {
  const parts: string[] = [];
  const maxRank = Math.min(v?.maxRank ?? Infinity, maxRankFilter ?? Infinity);
  if (maxRank !== Infinity) parts.push(`@rank:[-inf ${maxRank}]`);
  if (v) parts.push(`@regions:{${WORLDWIDE}|${escapeTag(v.country)}}`);
  return parts.join(' ');
}

/** Filters other than visibility; `facet` leaves out the one a facet counts over. */
export function filterClause(f: SearchFilters, leaveOut?: 'genre' | 'type'): string {
  const parts: string[] = [];
  if (f.genre !== undefined && leaveOut !== 'genre') parts.push(`@genre:{${escapeTag(f.genre)}}`);
  if (f.type !== undefined && leaveOut !== 'type') parts.push(`@type:{${f.type}}`);
  if (f.yearFrom !== undefined || f.yearTo !== undefined) parts.push(`@year:[${f.yearFrom ?? '-inf'} ${f.yearTo ?? '+inf'}]`);
  if (f.audio !== undefined) parts.push(`@audio:{${escapeTag(f.audio)}}`);
  if (f.subtitles !== undefined) parts.push(`@subtitles:{${escapeTag(f.subtitles)}}`);
  return parts.join(' ');
}

/** Parts joined into one query (empty parts dropped). */
export const joinQuery = (...parts: string[]): string => parts.filter(Boolean).join(' ');
