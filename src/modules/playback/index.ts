import type { Kysely } from 'kysely';
import type { Metrics } from '../../platform/metrics.ts';
import { readObjectText, type ObjectStore } from '../../platform/objects/index.ts';
import type { RateLimiter } from '../../platform/ratelimit/index.ts';
import type { Guards } from '../../platform/resilience/index.ts';
import type { CatalogService } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { StudioService } from '../studio/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { type ContentKey, contentKeyStore, keyEncryptionKey } from './contentKeys.ts';
import { mediaRoutes } from './mediaRoutes.ts';
import { playbackMigrations } from './migrations.ts';
import { playbackRoutes } from './routes.ts';
import { type PlaybackService, playbackService } from './service.ts';
import type { CdnChooser } from './service.ts';

export { playbackMigrations };
export type { CdnChooser, LiveStream, PlaybackService, PlaybackStart, RegisteredDevice } from './service.ts';
export type { ContentKey } from './contentKeys.ts';
export { LICENCE_HEADER, LICENCE_PATH } from './service.ts';
export { alternatesQuery, checkAlternates, checkMediaToken, mayFetch, mediaPathPrefix, type MediaToken, nginxLinkKey, nginxMediaPathPrefix, representationOf, type TokenCheck } from './signedUrl.ts';
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
  /** Wraps content keys at rest (AES-256-GCM under a key derived from it). */
  keyEncryptionSecret: string;
  /** Licence request limits are counted here. */
  limiter: RateLimiter;
  /** The key store is a seam of its own (a key service at scale): guarded by a breaker. */
  guards: Guards;
  /** Profile names for the list of streams a refused start shows. */
  profileNames?: (accountId: string) => Promise<Map<string, string>>;
  /** Steering's edge choice; absent: the origin serves media. */
  cdn?: CdnChooser;
  /** The origin's public base URL, the last-resort media alternative; default: the request's host. */
  publicUrl?: string;
}

/** Packaged MPDs by asset, read once: an asset's files never change once packaged. */
function packagedMpds(objects: ObjectStore): (assetId: string, file: string) => Promise<string> {
  const read = new Map<string, Promise<string>>();
  return (assetId, file) => {
    const key = `videos/${assetId}/${file}`;
    let mpd = read.get(key);
    if (!mpd) {
      if (read.size >= 1000) read.clear();
      mpd = readObjectText(objects, key);
      read.set(key, mpd);
      // A failed read is not remembered: the next start tries again.
      mpd.catch(() => read.delete(key));
    }
    return mpd;
  };
}

export function playbackModule(o: PlaybackModuleOptions) {
  const store = contentKeyStore(o.db, keyEncryptionKey(o.keyEncryptionSecret));
  // Key lookups are reads: safe to retry. Without the key store no licence can be given, so no fallback.
  const keys = { ...store, byKid: o.guards.guard('keys', store.byKid, { retries: 1 }) };
  const service: PlaybackService = playbackService({
    db: o.db,
    catalog: o.catalog,
    studio: o.studio,
    viewing: o.viewing,
    keys,
    limiter: o.limiter,
    ...(o.profileNames ? { profileNames: o.profileNames } : {}),
    urlSecret: o.urlSecret,
    urlTtlSec: o.urlTtlSec,
    packagedMpd: packagedMpds(o.objects),
    ...(o.cdn ? { cdn: o.cdn } : {}),
  });
  return {
    service,
    /** The title's content key for the packager (made on first use). */
    contentKeyFor: (titleId: string): Promise<ContentKey> => keys.forTitle(titleId),
    routes: playbackRoutes(service, o.auth, o.metrics, o.publicUrl),
    media: mediaRoutes(o.objects, o.urlSecret, o.metrics, (playbackId) => service.manifestView(playbackId)),
  };
}
