import type { ObjectStore } from '../../platform/objects/index.ts';
import type { ExperimentsClient } from '../experiments/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { Kysely } from 'kysely';
import { catalogMigrations } from './migrations.ts';
import { catalogRepository } from './repository.ts';
import { catalogRoutes } from './routes.ts';
import { type CatalogService, catalogService } from './service.ts';

export { catalogMigrations };
export type { CatalogService } from './service.ts';
export { viewerOf } from './routes.ts';
export { isAvailableIn, type AvailabilityWindow, type Licensing } from './availability.ts';
export { TITLE_ARTWORK_EXPERIMENT, sameArtwork, withArtworkArm } from './artworkExperiment.ts';
export { ADULT_MAX_RATING, KIDS_MAX_RATING, MATURITY_RATINGS, isRatingAllowed, maturityRank, type MaturityRating } from './maturity.ts';
export type { CatalogEvent, CatalogViewer, Episode, IndexableTitle, NewEpisode, NewTitle, PlayableItem, Title, TitleSummary, TitleType } from './types.ts';

export function catalogModule(o: { db: Kysely<object>; objects: ObjectStore; auth: Authenticator; experiments?: ExperimentsClient }): { service: CatalogService; routes: ReturnType<typeof catalogRoutes> } {
  const service = catalogService(catalogRepository(o.db), o.objects);
  return { service, routes: catalogRoutes(service, o.auth, o.objects, o.experiments) };
}
