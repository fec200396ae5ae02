import { type CatalogViewer, type IndexableTitle, maturityRank } from '../catalog/index.ts';
import { type SlotSpec, parseQuery, resolveSlots, slotWords } from './query.ts';
import { type Affinity, COVERAGE_WEIGHT, EXACT_NAME_BONUS, MAX_POPULARITY_BOOST, NAME_START_BONUS, NO_AFFINITY, type NameShape, affinityBoost, compareRanked, nameBonus, nameShape, popularityBoost, rankTop, recencyBoost, topK } from './rank.ts';
import { QueryCache } from './queryCache.ts';
import { type FieldSpec, type Matches, type QuerySlot, TextIndex } from './textIndex.ts';
import { fold, indexTokens, tokenize } from './text.ts';
import { GENRE_BITS, NO_YEAR, TitleColumns, hasLength, lengthBit } from './titleColumns.ts';

/**
 * The embedded search engine: titles (name, people, genres, episodes, synopsis) and, for
 * suggestions, people and genres. Everything is in memory and synchronous; the service keeps it
 * in step with the catalog. Another engine (a search server) would implement `SearchBackend`.
 */

/** Who is asking: the highest maturity rank they may see and their country. Undefined: anyone. */
export interface Visibility {
  maxRank: number;
  country: string;
}

/** Same rules as the catalog's listings: the profile's maturity limit, the account's country. */
export const visibilityOf = (viewer: CatalogViewer | undefined): Visibility | undefined =>
  viewer ? { maxRank: maturityRank(viewer.maxMaturityRating), country: viewer.country } : undefined;

export interface SearchFilters {
  genre?: string;
  type?: 'movie' | 'series';
  yearFrom?: number;
  yearTo?: number;
  /** Narrows (never widens) the viewer's own maturity limit. */
  maxRank?: number;
  /** ISO 639-1 code (lower case) of an audio track, or of subtitles, the title must have. */
  audio?: string;
  subtitles?: string;
}

export interface SearchParams {
  q: string;
  filters?: SearchFilters;
  visibility?: Visibility;
  affinity?: Affinity;
  limit?: number;
  offset?: number;
}

export type HighlightField = 'name' | 'cast' | 'directors' | 'genres' | 'episodes' | 'synopsis';

/** Why a result matched: a field value and the spans of it that matched the query. */
export interface Highlight {
  field: HighlightField;
  value: string;
  ranges: [number, number][];
}

export interface SearchHit {
  titleId: string;
  name: string;
  score: number;
  matches: Highlight[];
}

export interface Facets {
  genres: { id: string; name: string; count: number }[];
  types: { type: 'movie' | 'series'; count: number }[];
}

export interface SearchOutcome {
  hits: SearchHit[];
  total: number;
  facets: Facets;
  /** A respelling that matches more, when this query matched little or nothing. */
  didYouMean: string | null;
}

export interface Suggestions {
  titles: { titleId: string; text: string; type: 'movie' | 'series'; year: number | null; ranges: [number, number][] }[];
  people: { name: string; titleCount: number; ranges: [number, number][] }[];
  genres: { id: string; name: string; ranges: [number, number][] }[];
}

/** A value now (the embedded engine) or later (a search server across the network). */
export type Awaitable<T> = T | Promise<T>;

/** What the module needs from any engine, embedded or a search server. */
export interface SearchBackend {
  rebuild(titles: readonly IndexableTitle[]): Awaitable<void>;
  upsert(title: IndexableTitle): Awaitable<void>;
  remove(titleId: string): Awaitable<void>;
  search(params: SearchParams): Awaitable<SearchOutcome>;
  suggest(q: string, visibility: Visibility | undefined, limit?: number): Awaitable<Suggestions>;
  tasteOf(titleIds: readonly string[]): Awaitable<{ genres: string[]; people: string[] }[]>;
}

const TITLE_FIELDS: FieldSpec[] = [
  { name: 'name', weight: 10, primary: true, joinPairs: true, dropStopWords: false },
  { name: 'cast', weight: 7, primary: true, joinPairs: true, dropStopWords: false },
  { name: 'directors', weight: 6, primary: true, joinPairs: true, dropStopWords: false },
  { name: 'genres', weight: 6, primary: true, joinPairs: false, dropStopWords: false },
  { name: 'episodes', weight: 4, primary: false, joinPairs: true, dropStopWords: false },
  { name: 'synopsis', weight: 2, primary: false, joinPairs: false, dropStopWords: true },
];
const ENTITY_FIELDS: FieldSpec[] = [{ name: 'name', weight: 10, primary: true, joinPairs: true, dropStopWords: false }];

interface TitleDoc {
  title: IndexableTitle;
  regions: ReadonlySet<string>;
  name: NameShape;
  genreIds: string[];
  /** Folded names of cast and directors, for taste. */
  people: string[];
  /** The same names prepared for phrase matching ("tom hanks" as one person, not two). */
  peopleShapes: NameShape[];
  /** Dense numbers of the genres, for counting facets. */
  genreOrds: number[];
}

/** Fields (bit per field, in TITLE_FIELDS order) whose matches earn phrase bonuses. */
const NAME_BIT = 1;
const PEOPLE_BITS = 2 | 4;
/** Field groups of a title search: where each query word matched, for the phrase bonus bound. */
const PHRASE_GROUPS = [NAME_BIT, PEOPLE_BITS];
/** Which of a title's names may earn a phrase bonus: its own, its people's (bits). */
const OWN_NAME = 1;
const PEOPLE_NAMES = 2;
/** A whole person's name matched counts a little less than the whole title. */
const PERSON_BONUS_FACTOR = 0.8;
const MAX_PHRASE_BONUS = EXACT_NAME_BONUS;

interface Entity {
  kind: 'person' | 'genre';
  key: string;
  text: string;
  name: NameShape;
  joinedLengths: number;
  genreId?: string;
  titles: Set<string>;
  doc: number;
}

export const personKey = (name: string): string => tokenize(name).map((t) => t.term).join(' ');

const MAX_LIMIT = 100;
const MAX_OFFSET = 1000;
/** Queries matching at least this many titles keep their work (see QueryCache): short prefixes, mostly. */
const BROAD_MATCHES = 1000;
/** About 300 KB each at 20,000 titles. */
const CACHED_SEARCHES = 48;
/** Small; one per query, viewer class (maturity, country) and limit. */
const CACHED_SUGGESTIONS = 2000;

export class EmbeddedSearchEngine implements SearchBackend {
  private titles = new TextIndex(TITLE_FIELDS);
  private titleDocs: (TitleDoc | null)[] = [];
  private cols = new TitleColumns();
  private docOfTitle = new Map<string, number>();
  private entities = new TextIndex(ENTITY_FIELDS);
  private entityDocs: (Entity | null)[] = [];
  private entityByKey = new Map<string, Entity>();
  private maxPopularity = 0;
  /** Every genre seen, numbered densely (never reset: a handful of genres). */
  private readonly genres: { id: string; name: string }[] = [];
  private readonly genreOrdOf = new Map<string, number>();
  /** Text matches of broad searches, for every viewer and filter (they are applied afterwards). */
  private readonly broadMatches = new QueryCache<Matches>(CACHED_SEARCHES);
  private readonly broadSuggestions = new QueryCache<Suggestions>(CACHED_SUGGESTIONS);

  constructor(private readonly currentYear: () => number = () => new Date().getUTCFullYear()) {}

  get size(): number {
    return this.docOfTitle.size;
  }

  rebuild(titles: readonly IndexableTitle[]): void {
    this.titles = new TextIndex(TITLE_FIELDS);
    this.titleDocs = [];
    this.cols = new TitleColumns();
    this.docOfTitle = new Map();
    this.entities = new TextIndex(ENTITY_FIELDS);
    this.entityDocs = [];
    this.entityByKey = new Map();
    this.maxPopularity = 0;
    this.broadMatches.clear();
    this.broadSuggestions.clear();
    for (const t of titles) this.upsert(t);
  }

  upsert(title: IndexableTitle): void {
    this.remove(title.id);
    const before = this.cacheState();
    const doc = this.titles.add([
      [title.name],
      title.cast,
      title.directors,
      title.genres.map((g) => g.name),
      title.episodes,
      [title.synopsis],
    ]);
    const people = [...title.cast, ...title.directors];
    const d: TitleDoc = {
      title,
      regions: new Set(title.regions),
      name: nameShape(tokenize(title.name).map((t) => t.term)),
      genreIds: title.genres.map((g) => g.id),
      people: people.map(personKey),
      peopleShapes: people.map((p) => nameShape(tokenize(p).map((t) => t.term))),
      genreOrds: title.genres.map((g) => this.genreOrd(g.id, g.name)),
    };
    this.titleDocs[doc] = d;
    this.cols.set(doc, {
      rank: maturityRank(title.maturityRating),
      worldwide: title.worldwide,
      year: title.year,
      type: title.type,
      logPopularity: Math.log1p(Math.max(0, title.popularity)),
      genreOrds: d.genreOrds,
      nameLengths: joinedLengthBits([d.name]),
      peopleLengths: joinedLengthBits(d.peopleShapes),
      nameWords: wordCountBits([d.name]),
      peopleWords: wordCountBits(d.peopleShapes),
    });
    this.docOfTitle.set(title.id, doc);
    this.maxPopularity = Math.max(this.maxPopularity, title.popularity);
    for (const name of people) this.link('person', personKey(name), name, title.id);
    for (const g of title.genres) this.link('genre', `genre:${g.id}`, g.name, title.id, g.id);
    this.forgetCached(before, this.titles.termsOf(doc));
  }

  remove(titleId: string): void {
    const doc = this.docOfTitle.get(titleId);
    if (doc === undefined) return;
    const old = this.titleDocs[doc]!;
    const before = this.cacheState();
    const terms = this.titles.termsOf(doc);
    this.titles.remove(doc);
    this.titleDocs[doc] = null;
    this.docOfTitle.delete(titleId);
    for (const name of [...old.title.cast, ...old.title.directors]) this.unlink(personKey(name), titleId);
    for (const g of old.title.genres) this.unlink(`genre:${g.id}`, titleId);
    this.forgetCached(before, terms);
    // Tombstones cost memory and time; past a point, start over from the live titles.
    if (this.titles.docCount > 1000 && this.titles.docCount > 3 * this.titles.liveCount) this.rebuild(this.liveTitles());
  }

  private cacheState(): { titleTerms: number; entityTerms: number; maxPopularity: number } {
    return { titleTerms: this.titles.termSetVersion, entityTerms: this.entities.termSetVersion, maxPopularity: this.maxPopularity };
  }

  /** After a title (holding `terms`) changed: drop cached work it could alter, or all of it when queries resolve or score differently now. */
  private forgetCached(before: ReturnType<EmbeddedSearchEngine['cacheState']>, terms: readonly string[]): void {
    const now = this.cacheState();
    if (now.titleTerms !== before.titleTerms || now.entityTerms !== before.entityTerms || now.maxPopularity !== before.maxPopularity) {
      this.broadMatches.clear();
      this.broadSuggestions.clear();
      return;
    }
    this.broadMatches.forgetTerms(terms);
    this.broadSuggestions.forgetTerms(terms);
  }

  private genreOrd(id: string, name: string): number {
    let ord = this.genreOrdOf.get(id);
    if (ord === undefined) {
      ord = this.genres.push({ id, name }) - 1;
      this.genreOrdOf.set(id, ord);
    }
    this.genres[ord]!.name = name;
    return ord;
  }

  private liveTitles(): IndexableTitle[] {
    return this.titleDocs.flatMap((d) => (d ? [d.title] : []));
  }

  private link(kind: Entity['kind'], key: string, text: string, titleId: string, genreId?: string): void {
    if (!key) return;
    let e = this.entityByKey.get(key);
    if (!e) {
      const name = nameShape(tokenize(text).map((t) => t.term));
      e = { kind, key, text, name, joinedLengths: joinedLengthBits([name]), titles: new Set(), doc: this.entities.add([[text]]), ...(genreId ? { genreId } : {}) };
      this.entityByKey.set(key, e);
      this.entityDocs[e.doc] = e;
    }
    e.titles.add(titleId);
  }

  private unlink(key: string, titleId: string): void {
    const e = this.entityByKey.get(key);
    if (!e) return;
    e.titles.delete(titleId);
    if (e.titles.size > 0) return;
    this.entities.remove(e.doc);
    this.entityDocs[e.doc] = null;
    this.entityByKey.delete(key);
  }

  private visible(doc: number, v: Visibility | undefined): boolean {
    return !v || (this.cols.rank[doc]! <= v.maxRank && (this.cols.worldwide[doc] === 1 || this.titleDocs[doc]!.regions.has(v.country)));
  }

  search(params: SearchParams): SearchOutcome {
    const limit = Math.min(MAX_LIMIT, Math.max(1, params.limit ?? 20));
    const offset = Math.min(MAX_OFFSET, Math.max(0, params.offset ?? 0));
    const f = params.filters ?? {};
    const specs = parseQuery(params.q);
    const none: SearchOutcome = { hits: [], total: 0, facets: { genres: [], types: [] }, didYouMean: null };
    if (specs.length === 0) return none;
    const slots = resolveSlots(specs, this.titles);
    const vis = params.visibility;
    const maxRank = Math.min(vis?.maxRank ?? Infinity, f.maxRank ?? Infinity);
    const { rank, year: years } = this.cols;
    const yearFrom = f.yearFrom ?? NO_YEAR;
    const yearTo = f.yearTo ?? Infinity;
    const byYear = f.yearFrom !== undefined || f.yearTo !== undefined;
    const { audio, subtitles } = f;
    const accept = (doc: number) =>
      rank[doc]! <= maxRank &&
      this.visible(doc, vis) &&
      (!byYear || (years[doc] !== NO_YEAR && years[doc]! >= yearFrom && years[doc]! <= yearTo)) &&
      (audio === undefined || this.titleDocs[doc]!.title.audioLanguages.includes(audio)) &&
      (subtitles === undefined || this.titleDocs[doc]!.title.subtitleLanguages.includes(subtitles));
    const required = slots.filter((s) => !s.optional).length;
    // One pass that also keeps documents missing one word: used only when nothing matches every word.
    const key = JSON.stringify(specs);
    let m = this.broadMatches.get(key);
    if (!m) {
      m = this.titles.search(slots, { primaryOnly: false, minCoverage: Math.max(1, required - 1), accept: () => true, groups: PHRASE_GROUPS });
      if (m.count >= BROAD_MATCHES) this.broadMatches.set(key, m, matchedTerms(slots));
    }
    const accepted = new Int32Array(m.count);
    let acceptedCount = 0;
    for (let i = 0; i < m.count; i++) if (accept(m.doc[i]!)) accepted[acceptedCount++] = i;
    const minCoverage = Math.max(1, required);
    let full = false;
    for (let k = 0; k < acceptedCount && !full; k++) full = m.coverage[accepted[k]!]! >= minCoverage;
    if (!full && required < 2) acceptedCount = 0;

    // Facets count what the text and the viewer allow, before the genre and type chips narrow it.
    const genreCounts = new Int32Array(this.genres.length);
    let movies = 0;
    let series = 0;
    const genreOrd = f.genre === undefined ? -1 : (this.genreOrdOf.get(f.genre) ?? -2);
    const pool = new Int32Array(acceptedCount);
    let poolSize = 0;
    const { genreBits, genreOverflow } = this.cols;
    const wantSeries = f.type === undefined ? -1 : f.type === 'series' ? 1 : 0;
    for (let k = 0; k < acceptedCount; k++) {
      const i = accepted[k]!;
      if (full && m.coverage[i]! < minCoverage) continue;
      const doc = m.doc[i]!;
      const isSeries = this.cols.series[doc]!;
      const genreOk = genreOrd === -1 || (genreOrd >= 0 && (genreOrd < GENRE_BITS ? ((genreBits[doc]! >>> genreOrd) & 1) === 1 : this.titleDocs[doc]!.genreOrds.includes(genreOrd)));
      const typeOk = wantSeries === -1 || isSeries === wantSeries;
      if (typeOk) {
        for (let bits = genreBits[doc]!; bits !== 0; bits &= bits - 1) genreCounts[31 - Math.clz32(bits & -bits)]!++;
        if (genreOverflow[doc]) for (const g of this.titleDocs[doc]!.genreOrds) if (g >= GENRE_BITS) genreCounts[g]!++;
      }
      if (genreOk) {
        if (isSeries) series++;
        else movies++;
      }
      if (genreOk && typeOk) pool[poolSize++] = i;
    }
    const typedJoined = slotWords(specs).join('');
    const affinity = params.affinity ?? NO_AFFINITY;
    const tasteful = affinity.genres.size > 0 || affinity.people.size > 0;
    const year = this.currentYear();
    const popScale = this.maxPopularity > 0 ? MAX_POPULARITY_BOOST / Math.log1p(this.maxPopularity) : 0;
    const allSlots = slotMask(slots.length);
    const qualityCap = qualityCapOf(slots);
    const top = rankTop(
      poolSize,
      offset + limit,
      (j) => {
        const i = pool[j]!;
        const doc = m.doc[i]!;
        const y = years[doc]!;
        const taste = tasteful ? affinityBoost(this.titleDocs[doc]!.genreIds, this.titleDocs[doc]!.people, affinity) : 0;
        return COVERAGE_WEIGHT * m.coverage[i]! + m.text[i]! + this.cols.logPopularity[doc]! * popScale + recencyBoost(y === NO_YEAR ? null : y, year) + taste;
      },
      (j) => this.phraseBonus(m.doc[pool[j]!]!, this.bonusScope(m, pool[j]!, allSlots, typedJoined.length), slots, typedJoined),
      (j) => this.phraseBound(m.doc[pool[j]!]!, this.bonusScope(m, pool[j]!, allSlots, typedJoined.length), slots.length, qualityCap, typedJoined.length),
      (j) => this.describe(m.doc[pool[j]!]!),
    ).slice(offset);
    const terms = matchedTerms(slots);
    const types: Facets['types'] = [];
    if (movies > 0) types.push({ type: 'movie', count: movies });
    if (series > 0) types.push({ type: 'series', count: series });
    const genres: Facets['genres'] = [];
    genreCounts.forEach((count, ord) => {
      if (count > 0) genres.push({ ...this.genres[ord]!, count });
    });
    return {
      hits: top.map((r) => {
        const doc = m.doc[pool[r.index]!]!;
        return { titleId: r.id, name: r.name, score: Math.round(r.score * 1000) / 1000, matches: highlightTitle(this.titleDocs[doc]!.title, terms) };
      }),
      total: poolSize,
      facets: {
        genres: genres.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)).slice(0, 12),
        types: types.sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1)),
      },
      didYouMean: poolSize <= 2 ? this.respell(specs, slots) : null,
    };
  }

  private describe(doc: number): { popularity: number; name: string; id: string } {
    const t = this.titleDocs[doc]!.title;
    return { popularity: t.popularity, name: t.name, id: t.id };
  }

  /**
   * Which names of match `i` can earn a phrase bonus (OWN_NAME, PEOPLE_NAMES): one that matched, and
   * matched every word of the query, or whose words run together could spell the query whole.
   */
  private bonusScope(m: Matches, i: number, allSlots: number, typedLength: number): number {
    const doc = m.doc[i]!;
    const fields = m.fields[i]!;
    let scope = 0;
    if (fields & NAME_BIT && (m.groupSlots[0]![i] === allSlots || hasLength(this.cols.nameLengths[doc]!, typedLength))) scope |= OWN_NAME;
    if (fields & PEOPLE_BITS && (m.groupSlots[1]![i] === allSlots || hasLength(this.cols.peopleLengths[doc]!, typedLength))) scope |= PEOPLE_NAMES;
    return scope;
  }

  /**
   * The most `phraseBonus` can give (see `nameBonus`): the whole-name bonus needs the query run
   * together to be as long as the name run together, or as many words as the name; anything else
   * earns at most the name-start bonus; both scaled by `qualityCap`, the best match quality of the
   * query's weakest word.
   */
  private phraseBound(doc: number, scope: number, words: number, qualityCap: number, typedLength: number): number {
    let best = 0;
    if (scope & OWN_NAME) best = nameBonusBound(this.cols.nameLengths[doc]!, this.cols.nameWords[doc]!, words, qualityCap, typedLength);
    if (scope & PEOPLE_NAMES) best = Math.max(best, PERSON_BONUS_FACTOR * nameBonusBound(this.cols.peopleLengths[doc]!, this.cols.peopleWords[doc]!, words, qualityCap, typedLength));
    return best;
  }

  /** Exact-name, name-start and phrase bonus for the title's name or one person's name, whichever is best. */
  private phraseBonus(doc: number, scope: number, slots: readonly QuerySlot[], typedJoined: string): number {
    const d = this.titleDocs[doc]!;
    let bonus = scope & OWN_NAME ? nameBonus(d.name, slots, typedJoined) : 0;
    if (scope & PEOPLE_NAMES) for (const p of d.peopleShapes) bonus = Math.max(bonus, PERSON_BONUS_FACTOR * nameBonus(p, slots, typedJoined));
    return bonus;
  }

  /** Each word that matched nothing, replaced by the likeliest indexed word; null when nothing changes. */
  private respell(specs: readonly SlotSpec[], slots: readonly QuerySlot[]): string | null {
    let changed = false;
    const words = specs.map((s, i) => {
      const word = s.word ?? s.synonym ?? '';
      if (!s.word || slots[i]!.terms.size > 0) return word;
      const better = this.titles.correct(s.word);
      if (!better) return word;
      changed = true;
      return better;
    });
    return changed ? words.join(' ') : null;
  }

  suggest(q: string, visibility: Visibility | undefined, limit = 6): Suggestions {
    const specs = parseQuery(q);
    if (specs.length === 0) return { titles: [], people: [], genres: [] };
    // Suggestions depend on the viewer only through maturity and country: one entry per such class.
    const key = JSON.stringify([specs, visibility ? [visibility.maxRank, visibility.country] : null, limit]);
    const cached = this.broadSuggestions.get(key);
    if (cached) return structuredClone(cached);
    const { out, titleMatches, terms } = this.suggestNow(specs, visibility, limit);
    if (titleMatches >= BROAD_MATCHES) this.broadSuggestions.set(key, structuredClone(out), terms);
    return out;
  }

  private suggestNow(specs: SlotSpec[], visibility: Visibility | undefined, limit: number): { out: Suggestions; titleMatches: number; terms: Set<string> } {
    const out: Suggestions = { titles: [], people: [], genres: [] };
    const typedJoined = slotWords(specs).join('');
    const popScale = this.maxPopularity > 0 ? MAX_POPULARITY_BOOST / Math.log1p(this.maxPopularity) : 0;

    const slots = resolveSlots(specs, this.titles);
    const required = Math.max(1, slots.filter((s) => !s.optional).length);
    const tm = this.titles.search(slots, { primaryOnly: true, minCoverage: required, accept: (doc) => this.visible(doc, visibility), groups: PHRASE_GROUPS });
    const allSlots = slotMask(slots.length);
    const qualityCap = qualityCapOf(slots);
    const topTitles = rankTop(
      tm.count,
      limit,
      (i) => COVERAGE_WEIGHT * tm.coverage[i]! + tm.text[i]! + this.cols.logPopularity[tm.doc[i]!]! * popScale,
      (i) => this.phraseBonus(tm.doc[i]!, this.bonusScope(tm, i, allSlots, typedJoined.length), slots, typedJoined),
      (i) => this.phraseBound(tm.doc[i]!, this.bonusScope(tm, i, allSlots, typedJoined.length), slots.length, qualityCap, typedJoined.length),
      (i) => this.describe(tm.doc[i]!),
    );
    const titleTerms = matchedTerms(slots);
    out.titles = topTitles.map((r) => {
      const t = this.titleDocs[tm.doc[r.index]!]!.title;
      return { titleId: t.id, text: t.name, type: t.type, year: t.year, ranges: highlightRanges(t.name, titleTerms, TITLE_FIELDS[0]!) };
    });

    const eslots = resolveSlots(specs, this.entities);
    const entityTerms = matchedTerms(eslots);
    const people: { e: Entity; score: number; popularity: number; name: string; id: string; count: number }[] = [];
    const em = this.entities.search(eslots, { primaryOnly: true, minCoverage: required, accept: () => true, groups: [1] });
    const entityAt = (i: number) => this.entityDocs[em.doc[i]!]!;
    // Cheap first pass: text only; visibility (which walks the person's titles) for the best few.
    const shortlist = rankTop(
      em.count,
      limit * 8,
      (i) => COVERAGE_WEIGHT * em.coverage[i]! + em.text[i]!,
      (i) => nameBonus(entityAt(i).name, eslots, typedJoined),
      (i) => (em.groupSlots[0]![i] === allSlots || hasLength(entityAt(i).joinedLengths, typedJoined.length) ? MAX_PHRASE_BONUS : 0),
      (i) => ({ popularity: entityAt(i).titles.size, name: entityAt(i).text, id: entityAt(i).key }),
    );
    for (const r of shortlist) {
      const e = entityAt(r.index);
      let count = 0;
      let popularity = 0;
      for (const titleId of e.titles) {
        const doc = this.docOfTitle.get(titleId)!;
        if (!this.visible(doc, visibility)) continue;
        count++;
        popularity += this.titleDocs[doc]!.title.popularity;
        if (count >= 50) break;
      }
      if (count === 0) continue;
      people.push({ e, score: r.score + popularityBoost(popularity, this.maxPopularity * 5), popularity, name: e.text, id: e.key, count });
    }
    const best = topK(people, limit * 2, compareRanked);
    out.people = best.filter((p) => p.e.kind === 'person').slice(0, Math.ceil(limit / 2)).map((p) => ({ name: p.e.text, titleCount: p.count, ranges: highlightRanges(p.e.text, entityTerms, ENTITY_FIELDS[0]!) }));
    out.genres = best.filter((p) => p.e.kind === 'genre').slice(0, 3).map((p) => ({ id: p.e.genreId!, name: p.e.text, ranges: highlightRanges(p.e.text, entityTerms, ENTITY_FIELDS[0]!) }));
    // A person's or genre's counts change only with titles that name them, which hold the same terms.
    return { out, titleMatches: tm.count, terms: new Set([...titleTerms, ...entityTerms]) };
  }

  tasteOf(titleIds: readonly string[]): { genres: string[]; people: string[] }[] {
    return titleIds.flatMap((id) => {
      const doc = this.docOfTitle.get(id);
      const d = doc === undefined ? null : this.titleDocs[doc];
      return d ? [{ genres: d.genreIds, people: d.people }] : [];
    });
  }

  /** Statistics for logs and the benchmark. */
  stats(): { titles: number; terms: number; people: number } {
    return { titles: this.size, terms: this.titles.termCount, people: [...this.entityByKey.values()].filter((e) => e.kind === 'person').length };
  }
}

/** Bits 0..n-1: every slot of an n-word query. */
const slotMask = (n: number): number => (n >= 32 ? -1 : (1 << n) - 1) >>> 0;

/** `phraseBound` for names with these run-together lengths and word counts (bits). A function, not a closure: it runs per candidate. */
function nameBonusBound(lengths: number, wordCounts: number, words: number, qualityCap: number, typedLength: number): number {
  if (hasLength(lengths, typedLength)) return MAX_PHRASE_BONUS;
  return (hasLength(wordCounts, words) ? EXACT_NAME_BONUS : NAME_START_BONUS) * qualityCap;
}

const wordCountBits = (names: readonly NameShape[]): number => {
  let bits = 0;
  for (const n of names) bits |= lengthBit(n.terms.length) | lengthBit(n.core.length);
  return bits;
};

/** The best match quality of the query's weakest word: no name bonus is scaled by more. */
const qualityCapOf = (slots: readonly QuerySlot[]): number => {
  let cap = 1;
  for (const s of slots) {
    let best = 0;
    for (const q of s.terms.values()) if (q > best) best = q;
    cap = Math.min(cap, best);
  }
  return cap;
};

const joinedLengthBits = (names: readonly NameShape[]): number => {
  let bits = 0;
  for (const n of names) bits |= lengthBit(n.joined.length) | lengthBit(n.coreJoined.length);
  return bits;
};

/** Every term a query's words resolved to: a title holding none of them cannot match it. */
const matchedTerms = (slots: readonly QuerySlot[]): Set<string> => {
  const out = new Set<string>();
  for (const s of slots) for (const t of s.terms.keys()) out.add(t);
  return out;
};

/** Spans of `value` whose words (or run-together pairs, or synonyms) are among `terms`, merged. */
export function highlightRanges(value: string, terms: ReadonlySet<string>, spec: Pick<FieldSpec, 'joinPairs' | 'dropStopWords'>): [number, number][] {
  const spans = indexTokens(value, spec).tokens.filter((t) => terms.has(t.term)).map((t): [number, number] => [t.start, t.end]);
  spans.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else merged.push([s[0], s[1]]);
  }
  return merged;
}

function highlightTitle(t: IndexableTitle, terms: ReadonlySet<string>): Highlight[] {
  const fields: [HighlightField, readonly string[], FieldSpec][] = [
    ['name', [t.name], TITLE_FIELDS[0]!],
    ['cast', t.cast, TITLE_FIELDS[1]!],
    ['directors', t.directors, TITLE_FIELDS[2]!],
    ['genres', t.genres.map((g) => g.name), TITLE_FIELDS[3]!],
    ['episodes', t.episodes, TITLE_FIELDS[4]!],
    ['synopsis', [t.synopsis], TITLE_FIELDS[5]!],
  ];
  const out: Highlight[] = [];
  for (const [field, values, spec] of fields) {
    let n = 0;
    for (const value of values) {
      const ranges = highlightRanges(value, terms, spec);
      if (ranges.length === 0) continue;
      out.push({ field, value, ranges });
      if (++n >= 3) break;
    }
  }
  return out;
}

/** Folded, trimmed form of a query, for caches and logs. */
export const normaliseQuery = (q: string): string => fold(q).trim().replace(/\s+/g, ' ');
