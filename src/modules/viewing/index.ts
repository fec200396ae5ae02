import type { Kysely } from 'kysely';
import type { CatalogService } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import { viewingMigrations } from './migrations.ts';
import { viewingRoutes } from './routes.ts';
import { type ViewingService, viewingService } from './service.ts';

export { viewingMigrations };
export type { ContinueWatchingItem, HistoryItem, ViewingService } from './service.ts';
export { isFinished, resumePointSec } from './watchState.ts';

export function viewingModule(o: { db: Kysely<object>; catalog: CatalogService; auth: Authenticator }): { service: ViewingService; routes: ReturnType<typeof viewingRoutes> } {
  const service = viewingService(o.db, {
    async locate(videoId) {
      const item = await o.catalog.playableItem(videoId);
      return item && { titleId: item.titleId, episodeId: item.episodeId, durationSec: item.durationSec === null ? null : Number(item.durationSec) };
    },
  });
  return { service, routes: viewingRoutes(service, o.catalog, o.auth) };
}
