import type { Kysely } from 'kysely';
import type { Metrics } from '../../platform/metrics.ts';
import type { ObjectStore } from '../../platform/objects/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { StudioService } from '../studio/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { mediaRoutes } from './mediaRoutes.ts';
import { playbackMigrations } from './migrations.ts';
import { playbackRoutes } from './routes.ts';
import { type PlaybackService, playbackService } from './service.ts';

export { playbackMigrations };
export type { PlaybackService, PlaybackStart } from './service.ts';
export { PLAN_LIMITS } from './streamLimits.ts';

export interface PlaybackModuleOptions {
  db: Kysely<object>;
  objects: ObjectStore;
  catalog: CatalogService;
  studio: StudioService;
  viewing: ViewingService;
  auth: Authenticator;
  metrics: Metrics;
  urlSecret: string;
  urlTtlSec: number;
}

export function playbackModule(o: PlaybackModuleOptions): { service: PlaybackService; routes: ReturnType<typeof playbackRoutes>; media: ReturnType<typeof mediaRoutes> } {
  const service = playbackService({ db: o.db, catalog: o.catalog, studio: o.studio, viewing: o.viewing, urlSecret: o.urlSecret, urlTtlSec: o.urlTtlSec });
  return { service, routes: playbackRoutes(service, o.auth), media: mediaRoutes(o.objects, o.urlSecret, o.metrics) };
}
