import type { Logger } from 'pino';
import { invalid } from '../../platform/errors.ts';
import { type CatalogEvent, type CatalogViewer, type IndexableTitle, type TitleSummary, maturityRank } from '../catalog/index.ts';
import { type Facets, type Highlight, type SearchBackend, type Suggestions, visibilityOf } from './engine.ts';
import { type Affinity, NO_AFFINITY, affinityFrom } from './rank.ts';
import { hasControlChars } from './text.ts';

/** What search needs from the catalog: titles to index, a change feed, and summaries to show. */
export interface SearchCatalog {
  indexableTitles(ids?: string[]): Promise<IndexableTitle[]>;
  summariesOf(ids: string[], viewer?: CatalogViewer): Promise<TitleSummary[]>;
  onChange(listener: (event: CatalogEvent) => void): () => void;
}

/** What search needs from viewing: the titles a profile watched, most recent first. */
export interface WatchHistory {
  history(profileId: string, cursor: string | undefined, limit?: number): Promise<{ items: { titleId: string }[] }>;
}

export interface SearchQuery {
  q: string;
  genre?: string;
  type?: 'movie' | 'series';
  yearFrom?: number;
  yearTo?: number;
  maxRating?: string;
  /** ISO 639-1 codes: an audio track, or subtitles, in this language. */
  audio?: string;
  subtitles?: string;
  limit?: number;
  offset?: number;
}

export type SearchItem = TitleSummary & { score: number; matches: Highlight[] };

export interface SearchResponse {
  items: SearchItem[];
  total: number;
  facets: Facets;
  didYouMean: string | null;
}

const TASTE_HISTORY = 50;
const TASTE_TTL_MS = 60_000;
const TASTE_CACHE_SIZE = 5000;

export function searchService(o: { catalog: SearchCatalog; viewing: WatchHistory; engine: SearchBackend; log: Logger; clock?: () => number }) {
  const clock = o.clock ?? Date.now;
  const pending = new Set<string>();
  let draining: Promise<void> | null = null;
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  const taste = new Map<string, { at: number; affinity: Affinity }>();

  /** Re-reads the changed titles and updates the index; a title no longer published leaves it. */
  const drain = async (): Promise<void> => {
    while (pending.size > 0 && !stopped) {
      const ids = [...pending];
      pending.clear();
      try {
        const titles = await o.catalog.indexableTitles(ids);
        const found = new Set(titles.map((t) => t.id));
        for (const t of titles) await o.engine.upsert(t);
        for (const id of ids) if (!found.has(id)) await o.engine.remove(id);
      } catch (err) {
        o.log.error({ err, titles: ids.length }, 'search index update failed; retrying');
        for (const id of ids) pending.add(id);
        await new Promise((r) => setTimeout(r, 1000).unref());
      }
    }
  };
  const kick = (): void => {
    if (draining || stopped) return;
    draining = drain().finally(() => {
      draining = null;
      if (pending.size > 0) kick();
    });
  };

  const affinityOf = async (profileId: string | undefined): Promise<Affinity> => {
    if (!profileId) return NO_AFFINITY;
    const cached = taste.get(profileId);
    if (cached && clock() - cached.at < TASTE_TTL_MS) return cached.affinity;
    const history = await o.viewing.history(profileId, undefined, TASTE_HISTORY);
    const affinity = affinityFrom(await o.engine.tasteOf([...new Set(history.items.map((h) => h.titleId))]));
    taste.delete(profileId);
    taste.set(profileId, { at: clock(), affinity });
    if (taste.size > TASTE_CACHE_SIZE) taste.delete(taste.keys().next().value!);
    return affinity;
  };

  const checkQuery = (q: string): void => {
    if (hasControlChars(q)) throw invalid('invalid_query', 'q must not contain control characters', 'q');
  };

  return {
    /** Builds the index from the catalog and follows its changes from then on. */
    async start(): Promise<void> {
      const started = clock();
      unsubscribe = o.catalog.onChange((event) => {
        pending.add(event.titleId);
        kick();
      });
      const titles = await o.catalog.indexableTitles();
      await o.engine.rebuild(titles);
      o.log.info({ titles: titles.length, ms: clock() - started }, 'search index built');
    },

    stop(): void {
      stopped = true;
      unsubscribe?.();
    },

    /** Resolves once every change seen so far is in the index (tests, benchmarks). */
    async idle(): Promise<void> {
      while (draining) await draining;
    },

    async search(query: SearchQuery, viewer: CatalogViewer | undefined, profileId?: string): Promise<SearchResponse> {
      checkQuery(query.q);
      if (query.yearFrom !== undefined && query.yearTo !== undefined && query.yearFrom > query.yearTo) {
        throw invalid('invalid_year_range', 'yearFrom must not be after yearTo', 'yearFrom');
      }
      const outcome = await o.engine.search({
        q: query.q,
        filters: {
          ...(query.genre ? { genre: query.genre } : {}),
          ...(query.type ? { type: query.type } : {}),
          ...(query.yearFrom !== undefined ? { yearFrom: query.yearFrom } : {}),
          ...(query.yearTo !== undefined ? { yearTo: query.yearTo } : {}),
          ...(query.maxRating ? { maxRank: maturityRank(query.maxRating) } : {}),
          ...(query.audio ? { audio: query.audio.toLowerCase() } : {}),
          ...(query.subtitles ? { subtitles: query.subtitles.toLowerCase() } : {}),
        },
        visibility: visibilityOf(viewer),
        affinity: await affinityOf(profileId),
        limit: query.limit ?? 20,
        offset: query.offset ?? 0,
      });
      // The catalog has the last word on what this viewer may see (the index may lag a change).
      const summaries = new Map((await o.catalog.summariesOf(outcome.hits.map((h) => h.titleId), viewer)).map((s) => [s.id, s]));
      const items = outcome.hits.flatMap((h) => {
        const s = summaries.get(h.titleId);
        return s ? [{ ...s, score: h.score, matches: h.matches }] : [];
      });
      return { items, total: outcome.total, facets: outcome.facets, didYouMean: outcome.didYouMean };
    },

    async suggest(q: string, viewer: CatalogViewer | undefined, limit?: number): Promise<Suggestions> {
      checkQuery(q);
      return o.engine.suggest(q, visibilityOf(viewer), limit);
    },
  };
}

export type SearchService = ReturnType<typeof searchService>;
