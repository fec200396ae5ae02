import type { Redis } from 'ioredis';
import { type IndexableTitle, maturityRank } from '../../modules/catalog/index.ts';
import { EmbeddedSearchEngine, type Facets, type SearchBackend, type SearchOutcome, type SearchParams, type Suggestions, type Visibility, parseQuery, personKey } from '../../modules/search/index.ts';
import { documentFields, documentScore, escapeTag, filterClause, joinQuery, schemaArgs, textQuery, visibilityClause } from './redisearchQuery.ts';

/**
 * Search on a RediSearch server (the Redis module; Debian's `redis-redisearch`, version 1.2), for
 * deployments that outgrow one process: every api process shares one index, kept fresh by the
 * catalog events each of them sees (updates are idempotent) and topped up at start without ever
 * being dropped, so other processes keep answering meanwhile.
 *
 * The server finds, filters and counts: which titles match (prefixes, typos, synonyms, run-together
 * words), the viewer's maturity and country, the filters, `total` and the facets. It also orders
 * them by its own relevance (TF-IDF times field weight times a popularity prior), and the best
 * `candidates` of that order are then ranked here exactly as the embedded engine ranks (coverage,
 * phrase and exact-name bonuses, popularity, recency, the profile's taste, highlights) by an
 * embedded engine built over just those titles. Differences from the embedded engine, all from
 * what RediSearch 1.2 offers:
 * - a title outside the server's best `candidates` cannot be ranked in (broad prefixes);
 * - popularity is scaled by the most popular candidate, not the most popular title;
 * - typos: see `wordAlternatives` (two missing or two wrong letters in a long word are not found),
 *   and an unfinished word is completed only as typed (no typo inside a prefix);
 * - a one-letter unfinished word matches only that word (RediSearch expands prefixes of 2+ letters);
 * - stemming is RediSearch's (Snowball English), not the embedded light stemmer;
 * - no "did you mean" (1.2 has no spelling suggestions);
 * - people suggestions come from the matching candidates (their counts are exact, capped at 50).
 */
export interface RediSearchOptions {
  /** Index name and key prefix: several deployments may share one Redis. */
  index?: string;
  /** How many of the server's best matches are ranked here (at least offset + limit). */
  candidates?: number;
  currentYear?: () => number;
}

const MAX_LIMIT = 100;
const MAX_OFFSET = 1000;
const DEFAULT_CANDIDATES = 200;
const SUGGEST_CANDIDATES = 100;
/** As the embedded engine: a person's visible titles are counted up to this many. */
const PERSON_COUNT_CAP = 50;
const BATCH = 500;

type Reply = (string | Reply)[];

export class RediSearchBackend implements SearchBackend {
  private readonly index: string;
  private readonly candidates: number;
  private readonly currentYear: () => number;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    o: RediSearchOptions = {},
  ) {
    this.index = o.index ?? 'marquee:search';
    this.candidates = o.candidates ?? DEFAULT_CANDIDATES;
    this.currentYear = o.currentYear ?? (() => new Date().getUTCFullYear());
  }

  private key(titleId: string): string {
    return `${this.index}:title:${titleId}`;
  }
  private get idsKey(): string {
    return `${this.index}:ids`;
  }
  private get genresKey(): string {
    return `${this.index}:genres`;
  }

  /** Creates the index unless it exists (another process may create it at the same moment). */
  private ensureIndex(): Promise<void> {
    this.ready ??= (async () => {
      try {
        await this.redis.call('FT.CREATE', this.index, ...schemaArgs());
      } catch (err) {
        if (!(err instanceof Error && /already exists/i.test(err.message))) {
          this.ready = undefined;
          throw err;
        }
      }
    })();
    return this.ready;
  }

  async rebuild(titles: readonly IndexableTitle[]): Promise<void> {
    await this.ensureIndex();
    const live = new Set(titles.map((t) => t.id));
    const indexed = await this.redis.smembers(this.idsKey);
    for (let i = 0; i < titles.length; i += BATCH) {
      const batch = this.redis.pipeline();
      for (const t of titles.slice(i, i + BATCH)) this.queueUpsert(batch, t);
      await execAll(batch);
    }
    const stale = indexed.filter((id) => !live.has(id));
    for (let i = 0; i < stale.length; i += BATCH) {
      const batch = this.redis.pipeline();
      for (const id of stale.slice(i, i + BATCH)) this.queueRemove(batch, id);
      await execAll(batch);
    }
  }

  async upsert(title: IndexableTitle): Promise<void> {
    await this.ensureIndex();
    const p = this.redis.pipeline();
    this.queueUpsert(p, title);
    await execAll(p);
  }

  async remove(titleId: string): Promise<void> {
    await this.ensureIndex();
    const p = this.redis.pipeline();
    this.queueRemove(p, titleId);
    await execAll(p);
  }

  private queueUpsert(p: ReturnType<Redis['pipeline']>, t: IndexableTitle): void {
    p.call('FT.ADD', this.index, this.key(t.id), String(documentScore(t.popularity)), 'REPLACE', 'FIELDS', ...documentFields(t, maturityRank(t.maturityRating)));
    p.sadd(this.idsKey, t.id);
    for (const g of t.genres) p.hset(this.genresKey, g.id, g.name);
  }

  private queueRemove(p: ReturnType<Redis['pipeline']>, titleId: string): void {
    p.call('FT.DEL', this.index, this.key(titleId), 'DD');
    p.srem(this.idsKey, titleId);
  }

  private async find(query: string, count: number): Promise<{ total: number; titles: IndexableTitle[] }> {
    const reply = (await this.redis.call('FT.SEARCH', this.index, query, 'LIMIT', '0', String(count), 'RETURN', '1', 'doc')) as Reply;
    const titles: IndexableTitle[] = [];
    for (let i = 2; i < reply.length; i += 2) {
      const fields = reply[i] as string[];
      const at = fields.indexOf('doc');
      if (at >= 0) titles.push(JSON.parse(fields[at + 1]!) as IndexableTitle);
    }
    return { total: Number(reply[0]), titles };
  }

  /** How many titles match each query, in one round trip. */
  private async counts(queries: readonly string[]): Promise<number[]> {
    if (queries.length === 0) return [];
    const p = this.redis.pipeline();
    // RediSearch 1.2 refuses LIMIT 0 0: one id, no content.
    for (const q of queries) p.call('FT.SEARCH', this.index, q, 'NOCONTENT', 'LIMIT', '0', '1');
    return (await execAll(p)).map((r) => Number((r as Reply)[0]));
  }

  async search(params: SearchParams): Promise<SearchOutcome> {
    const limit = Math.min(MAX_LIMIT, Math.max(1, params.limit ?? 20));
    const offset = Math.min(MAX_OFFSET, Math.max(0, params.offset ?? 0));
    const specs = parseQuery(params.q);
    const none: SearchOutcome = { hits: [], total: 0, facets: { genres: [], types: [] }, didYouMean: null };
    if (specs.length === 0) return none;
    await this.ensureIndex();
    const f = params.filters ?? {};
    const visible = visibilityClause(params.visibility, f.maxRank);
    const want = Math.max(this.candidates, offset + limit);
    let text = textQuery(specs);
    let found = await this.find(joinQuery(text, visible, filterClause(f)), want);
    // As embedded: when nothing matches every word, titles missing one (for two or more words).
    if (found.total === 0 && specs.filter((s) => !s.optional).length >= 2) {
      const fallback = textQuery(specs, { allButOne: true });
      const retry = await this.find(joinQuery(fallback, visible, filterClause(f)), want);
      if (retry.total > 0) [text, found] = [fallback, retry];
    }
    if (found.total === 0) return none;
    const ranker = new EmbeddedSearchEngine(this.currentYear);
    ranker.rebuild(found.titles);
    const ranked = ranker.search({ q: params.q, ...(params.affinity ? { affinity: params.affinity } : {}), limit, offset });
    return { hits: ranked.hits, total: found.total, facets: await this.facets(text, visible, f), didYouMean: null };
  }

  /** As embedded: genre counts under the type chip, type counts under the genre chip, both under the text, viewer and other filters. */
  private async facets(text: string, visible: string, f: NonNullable<SearchParams['filters']>): Promise<Facets> {
    const genres = Object.entries(await this.redis.hgetall(this.genresKey));
    const types = ['movie', 'series'] as const;
    const counts = await this.counts([
      ...genres.map(([id]) => joinQuery(text, visible, filterClause(f, 'genre'), `@genre:{${escapeTag(id)}}`)),
      ...types.map((type) => joinQuery(text, visible, filterClause(f, 'type'), `@type:{${type}}`)),
    ]);
    const genreFacets = genres.map(([id, name], i) => ({ id, name, count: counts[i]! })).filter((g) => g.count > 0);
    const typeFacets = types.map((type, i) => ({ type, count: counts[genres.length + i]! })).filter((t) => t.count > 0);
    return {
      genres: genreFacets.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1)).slice(0, 12),
      types: typeFacets.sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1)),
    };
  }

  async suggest(q: string, visibility: Visibility | undefined, limit = 6): Promise<Suggestions> {
    const specs = parseQuery(q);
    if (specs.length === 0) return { titles: [], people: [], genres: [] };
    await this.ensureIndex();
    const visible = visibilityClause(visibility);
    const found = await this.find(joinQuery(textQuery(specs, { primaryOnly: true }), visible), Math.max(SUGGEST_CANDIDATES, limit));
    if (found.total === 0) return { titles: [], people: [], genres: [] };
    const ranker = new EmbeddedSearchEngine(this.currentYear);
    ranker.rebuild(found.titles);
    const s = ranker.suggest(q, undefined, limit);
    // The candidates hold only some of a person's titles: count them all on the server.
    const counts = await this.counts(s.people.map((p) => joinQuery(`@people:{${escapeTag(personKey(p.name))}}`, visible)));
    return {
      titles: s.titles,
      people: s.people.map((p, i) => ({ ...p, titleCount: Math.min(PERSON_COUNT_CAP, counts[i]!) })),
      genres: s.genres,
    };
  }

  async tasteOf(titleIds: readonly string[]): Promise<{ genres: string[]; people: string[] }[]> {
    if (titleIds.length === 0) return [];
    const p = this.redis.pipeline();
    for (const id of titleIds) p.hget(this.key(id), 'doc');
    return (await execAll(p)).flatMap((json) => {
      if (typeof json !== 'string') return [];
      const t = JSON.parse(json) as IndexableTitle;
      return [{ genres: t.genres.map((g) => g.id), people: [...t.cast, ...t.directors].map(personKey) }];
    });
  }

  /** Titles in the index (FT.INFO), for logs and tests. */
  async size(): Promise<number> {
    await this.ensureIndex();
    const info = (await this.redis.call('FT.INFO', this.index)) as Reply;
    return Number(info[info.indexOf('num_docs') + 1]);
  }

  /** Deletes the index and everything this backend stored (tests). */
  async drop(): Promise<void> {
    await this.redis.call('FT.DROP', this.index).catch(() => undefined);
    await this.redis.del(this.idsKey, this.genresKey);
    this.ready = undefined;
  }
}

/** Runs a pipeline and fails on the first command that failed. */
async function execAll(p: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const results = (await p.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
