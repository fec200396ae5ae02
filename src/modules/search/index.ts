import type { Logger } from 'pino';
import type { CatalogService } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { EmbeddedSearchEngine, type SearchBackend } from './engine.ts';
import { searchRoutes } from './routes.ts';
import { type SearchService, searchService } from './service.ts';
import type { Guards } from '../../platform/resilience/index.ts';

export type { SearchService, SearchResponse, SearchItem } from './service.ts';
export { EmbeddedSearchEngine, visibilityOf, type SearchBackend, type SearchOutcome, type Suggestions, type Visibility } from './engine.ts';
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
