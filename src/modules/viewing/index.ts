import type { Kysely } from 'kysely';
import type { CatalogService } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import { viewingMigrations } from './migrations.ts';
import { VIEWING_EVENTS, viewingRepository } from './repository.ts';
import { viewingRoutes } from './routes.ts';
import { type ViewingService, viewingService } from './service.ts';
import type { Metrics } from '../../platform/metrics.ts';

export { viewingMigrations, VIEWING_EVENTS };
export type { ContinueWatchingItem, HistoryItem, ViewingService, ViewingSignals } from './service.ts';
export { isFinished, resumePointSec } from './watchState.ts';

export function viewingModule(o: { db: Kysely<object>; catalog: CatalogService; auth: Authenticator; metrics: Metrics }): { service: ViewingService; routes: ReturnType<typeof viewingRoutes> } {
  const service = viewingService(viewingRepository(o.db), {
    async locate(videoId) {
      const item = await o.catalog.playableItem(videoId);
      return item && { titleId: item.titleId, episodeId: item.episodeId, durationSec: item.durationSec === null ? null : Number(item.durationSec) };
    },
    async episodesOf(titleId) {
      const title = await o.catalog.studioTitle(titleId);
      return (title.seasons ?? []).flatMap((s) => s.episodes.map((e) => ({ id: e.id, season: e.season, number: e.number, videoId: e.videoId })));
    },
    async titleExists(titleId) {
      return (await o.catalog.summariesOf([titleId])).length > 0;
    },
    titlesFor: (titleIds, viewer) => o.catalog.summariesOf(titleIds, viewer),
  });
  o.catalog.onChange(() => service.titlesChanged());
  return { service, routes: viewingRoutes(service, o.catalog, o.auth, o.metrics) };
}
