import type { Logger } from 'pino';
import type { CatalogService } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { EmbeddedSearchEngine, type SearchBackend } from './engine.ts';
import { searchRoutes } from './routes.ts';
import { type SearchService, searchService } from './service.ts';
import type { Guards } from '../../platform/resilience/index.ts';

export type { SearchService, SearchResponse, SearchItem } from './service.ts';
export { EmbeddedSearchEngine, personKey, visibilityOf, type Awaitable, type Facets, type SearchBackend, type SearchFilters, type SearchOutcome, type SearchParams, type Suggestions, type Visibility } from './engine.ts';
// Text analysis, for search-server adapters that index and query with the same rules.
export { parseQuery, type SlotSpec } from './query.ts';
export { indexTokens, typoBudget } from './text.ts';
export { affinityFrom, type Affinity } from './rank.ts';
export { damerauLevenshtein } from './distance.ts';

/** Search over the catalog: an embedded engine, built at start and kept fresh from catalog changes. */
export function searchModule(o: { catalog: CatalogService; viewing: ViewingService; auth: Authenticator; log: Logger; guards: Guards; engine?: SearchBackend }): {
  service: SearchService;
  routes: ReturnType<typeof searchRoutes>;
} {
  const service = searchService({ catalog: o.catalog, viewing: o.viewing, engine: o.engine ?? new EmbeddedSearchEngine(), log: o.log });
  return { service, routes: searchRoutes(service, o.auth, o.guards) };
}
