import type { Guards } from '../../platform/resilience/index.ts';
import type { CatalogViewer } from '../catalog/index.ts';
import type { Suggestions } from './engine.ts';
import type { SearchQuery, SearchResponse, SearchService } from './service.ts';

const REMEMBERED = 2000;

/** A small LRU of recent answers: what a viewer gets again while search is down. */
function recentAnswers<T>() {
  const answers = new Map<string, T>();
  return {
    get: (key: string) => answers.get(key),
    set(key: string, value: T) {
      answers.delete(key);
      answers.set(key, value);
      if (answers.size > REMEMBERED) answers.delete(answers.keys().next().value!);
    },
  };
}

const scopeOf = (viewer: CatalogViewer | undefined, profileId: string | undefined) => `${profileId ?? ''}|${viewer?.country ?? ''}|${viewer?.maxMaturityRating ?? ''}`;

/**
 * Search as the routes call it: behind a breaker with a timeout and a bulkhead, so a slow or
 * failing engine never holds other pages up. While it is down, a viewer gets their last answer
 * to the same query, or an empty one, marked `degraded`.
 */
export function guardedSearch(service: SearchService, guards: Guards) {
  const searches = recentAnswers<SearchResponse>();
  const suggestions = recentAnswers<Suggestions>();
  const empty: SearchResponse = { items: [], total: 0, facets: { genres: [], types: [] }, didYouMean: null };
  const search = guards.guard(
    'search',
    async (query: SearchQuery, viewer: CatalogViewer | undefined, profileId?: string) => {
      const answer = await service.search(query, viewer, profileId);
      searches.set(`${scopeOf(viewer, profileId)}|${JSON.stringify(query)}`, answer);
      return answer;
    },
    { maxConcurrent: 64, fallback: (query, viewer, profileId) => ({ ...(searches.get(`${scopeOf(viewer, profileId)}|${JSON.stringify(query)}`) ?? empty), degraded: true }) },
  );
  const suggest = guards.guard(
    'suggest',
    async (q: string, viewer: CatalogViewer | undefined, limit?: number) => {
      const answer = await service.suggest(q, viewer, limit);
      suggestions.set(`${scopeOf(viewer, undefined)}|${limit ?? ''}|${q}`, answer);
      return answer;
    },
    { maxConcurrent: 64, fallback: (q, viewer, limit) => suggestions.get(`${scopeOf(viewer, undefined)}|${limit ?? ''}|${q}`) ?? { titles: [], people: [], genres: [] } },
  );
  return { search, suggest };
}
