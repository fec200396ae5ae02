import type { FastifyInstance } from 'fastify';
import { type CatalogService, viewerOf } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { ViewingService } from '../viewing/index.ts';
import { buildHome } from './homeRows.ts';

export type { HomeRow } from './homeRows.ts';

export function recommendModule(o: { catalog: CatalogService; viewing: ViewingService; auth: Authenticator }) {
  return {
    routes: async (app: FastifyInstance) => {
      app.get('/api/v1/home', async (request) => {
        const caller = await o.auth.profile(request);
        return { rows: await buildHome(o.catalog, o.viewing, caller.profile.id, viewerOf(caller)!) };
      });
    },
  };
}
