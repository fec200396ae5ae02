import type { FastifyInstance } from 'fastify';
import { type CatalogService, viewerOf } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { ViewingService } from './service.ts';

export function viewingRoutes(service: ViewingService, catalog: CatalogService, auth: Authenticator) {
  return async (app: FastifyInstance) => {
    app.post<{ Body: { videoId: string; positionSec: number; durationSec?: number } }>(
      '/api/v1/progress',
      {
        schema: {
          body: {
            type: 'object',
            required: ['videoId', 'positionSec'],
            additionalProperties: false,
            properties: {
              videoId: { type: 'string', minLength: 1, maxLength: 100 },
              positionSec: { type: 'number', minimum: 0, maximum: 1e6 },
              durationSec: { type: 'number', minimum: 0, maximum: 1e6 },
            },
          },
        },
      },
      async (request, reply) => {
        const caller = await auth.profile(request);
        await service.recordProgress(caller.profile.id, request.body);
        return reply.status(202).send();
      },
    );

    app.get('/api/v1/continue-watching', async (request) => {
      const caller = await auth.profile(request);
      const items = await service.continueWatching(caller.profile.id);
      const titles = new Map((await catalog.summariesOf(items.map((i) => i.titleId), viewerOf(caller))).map((t) => [t.id, t]));
      // Titles the profile may no longer see (rating, region) drop out of the row.
      return { items: items.flatMap((i) => (titles.has(i.titleId) ? [{ ...i, title: titles.get(i.titleId)! }] : [])) };
    });

    app.get<{ Querystring: { cursor?: string; limit?: number } }>(
      '/api/v1/history',
      { schema: { querystring: { type: 'object', additionalProperties: false, properties: { cursor: { type: 'string', maxLength: 500 }, limit: { type: 'integer', minimum: 1, maximum: 100 } } } } },
      async (request) => {
        const caller = await auth.profile(request);
        return service.history(caller.profile.id, request.query.cursor, request.query.limit);
      },
    );
  };
}
