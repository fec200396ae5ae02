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
import { type CdnChooser, type PlaybackService, playbackService } from './service.ts';

export { playbackMigrations };
export type { CdnChooser, PlaybackService, PlaybackStart } from './service.ts';
export { alternatesQuery, checkAlternates, checkMediaToken, mediaPathPrefix, type MediaToken, type TokenCheck } from './signedUrl.ts';
export { PLAN_LIMITS } from './streamLimits.ts';
export { MEDIA_CONTENT_TYPES, mediaCacheControl } from './mediaFiles.ts';

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
  /** Steering's edge choice; absent: the origin serves media. */
  cdn?: CdnChooser;
  /** The origin's public base URL, the last-resort media alternative; default: the request's host. */
  publicUrl?: string;
}

export function playbackModule(o: PlaybackModuleOptions): { service: PlaybackService; routes: ReturnType<typeof playbackRoutes>; media: ReturnType<typeof mediaRoutes> } {
  const service = playbackService({ db: o.db, catalog: o.catalog, studio: o.studio, viewing: o.viewing, urlSecret: o.urlSecret, urlTtlSec: o.urlTtlSec, ...(o.cdn ? { cdn: o.cdn } : {}) });
  return { service, routes: playbackRoutes(service, o.auth, o.publicUrl), media: mediaRoutes(o.objects, o.urlSecret, o.metrics) };
}
