import type { FastifyInstance } from 'fastify';
import { type CatalogService, viewerOf } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import { toCsv } from './csv.ts';
import type { ProgressInput, ViewingService } from './service.ts';
import type { Metrics } from '../../platform/metrics.ts';

/**
 * Every player sends progress every few seconds and every home page reads Continue Watching: a
 * log line per request would cost more than the request. Their failures are still logged, and
 * metrics count every request.
 */
const HOT_ROUTE_LOG_LEVEL = 'warn';

const titleParam = { type: 'object', required: ['titleId'], properties: { titleId: { type: 'string', minLength: 1, maxLength: 100 } } } as const;

export function viewingRoutes(service: ViewingService, catalog: CatalogService, auth: Authenticator, metrics: Metrics) {
  // From the request to the durable write its 202 promises (the group commit included).
  const progressWrite = metrics.histogram('progress_write_seconds', 'Time to write viewing progress', [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]);
  return async (app: FastifyInstance) => {
    app.post<{ Body: ProgressInput }>(
      '/api/v1/progress',
      {
        logLevel: HOT_ROUTE_LOG_LEVEL,
        schema: {
          body: {
            type: 'object',
            required: ['videoId', 'positionSec'],
            additionalProperties: false,
            properties: {
              videoId: { type: 'string', minLength: 1, maxLength: 100 },
              positionSec: { type: 'number', minimum: 0, maximum: 1e6 },
              durationSec: { type: 'number', minimum: 0, maximum: 1e6 },
              deviceId: { type: 'string', minLength: 1, maxLength: 200 },
              at: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
      async (request, reply) => {
        const caller = await auth.profile(request);
        const stopTimer = progressWrite.startTimer();
        await service.recordProgress(caller.profile.id, request.body);
        stopTimer();
        return reply.status(202).send();
      },
    );

    app.get('/api/v1/continue-watching', { logLevel: HOT_ROUTE_LOG_LEVEL }, async (request) => {
      const caller = await auth.profile(request);
      return { items: await service.continueWatchingRow(caller.profile.id, viewerOf(caller)!) };
    });

    app.delete<{ Params: { titleId: string } }>('/api/v1/continue-watching/:titleId', { schema: { params: titleParam } }, async (request, reply) => {
      const caller = await auth.profile(request);
      await service.dismiss(caller.profile.id, request.params.titleId);
      return reply.status(204).send();
    });

    app.get<{ Querystring: { cursor?: string; limit?: number } }>(
      '/api/v1/history',
      { schema: { querystring: { type: 'object', additionalProperties: false, properties: { cursor: { type: 'string', maxLength: 500 }, limit: { type: 'integer', minimum: 1, maximum: 100 } } } } },
      async (request) => {
        const caller = await auth.profile(request);
        const page = await service.history(caller.profile.id, request.query.cursor, request.query.limit);
        const titles = new Map((await catalog.summariesOf([...new Set(page.items.map((i) => i.titleId))])).map((t) => [t.id, t]));
        return { items: page.items.map((i) => ({ ...i, title: titles.get(i.titleId) ?? null })), nextCursor: page.nextCursor };
      },
    );

    app.get<{ Querystring: { format?: 'csv' | 'json' } }>(
      '/api/v1/history/export',
      { schema: { querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['csv', 'json'] } } } } },
      async (request, reply) => {
        const caller = await auth.profile(request);
        const items = await service.fullHistory(caller.profile.id);
        const names = new Map((await catalog.summariesOf([...new Set(items.map((i) => i.titleId))])).map((t) => [t.id, t.name]));
        const rows = items.map((i) => ({ title: names.get(i.titleId) ?? '', ...i }));
        const format = request.query.format ?? 'csv';
        reply.header('content-disposition', `attachment; filename="viewing-activity.${format}"`);
        if (format === 'json') return reply.type('application/json').send(JSON.stringify({ items: rows }, null, 2));
        const header = ['title', 'titleId', 'episodeId', 'videoId', 'deviceId', 'firstWatchedAt', 'lastWatchedAt', 'watchedSec', 'completed'];
        return reply.type('text/csv; charset=utf-8').send(toCsv(header, rows.map((r) => [r.title, r.titleId, r.episodeId, r.videoId, r.deviceId, r.firstWatchedAt, r.lastWatchedAt, r.watchedSec, r.completed])));
      },
    );

    app.delete<{ Params: { videoId: string } }>('/api/v1/history/:videoId', async (request, reply) => {
      const caller = await auth.profile(request);
      await service.removeHistory(caller.profile.id, request.params.videoId);
      return reply.status(204).send();
    });

    app.delete('/api/v1/history', async (request, reply) => {
      const caller = await auth.profile(request);
      await service.removeHistory(caller.profile.id);
      return reply.status(204).send();
    });

    app.get('/api/v1/my-list', async (request) => {
      const caller = await auth.profile(request);
      return { items: await catalog.summariesOf(await service.myListIds(caller.profile.id), viewerOf(caller)) };
    });

    app.put<{ Params: { titleId: string } }>('/api/v1/my-list/:titleId', { schema: { params: titleParam } }, async (request, reply) => {
      const caller = await auth.profile(request);
      await service.addToMyList(caller.profile.id, request.params.titleId);
      return reply.status(204).send();
    });

    app.delete<{ Params: { titleId: string } }>('/api/v1/my-list/:titleId', { schema: { params: titleParam } }, async (request, reply) => {
      const caller = await auth.profile(request);
      await service.removeFromMyList(caller.profile.id, request.params.titleId);
      return reply.status(204).send();
    });

    app.put<{ Body: { titleIds: string[] } }>(
      '/api/v1/my-list',
      { schema: { body: { type: 'object', required: ['titleIds'], additionalProperties: false, properties: { titleIds: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 100 } } } } } },
      async (request, reply) => {
        const caller = await auth.profile(request);
        await service.reorderMyList(caller.profile.id, request.body.titleIds);
        return reply.status(204).send();
      },
    );

    app.put<{ Params: { titleId: string }; Body: { rating: -1 | 1 | 2 } }>(
      '/api/v1/ratings/:titleId',
      { schema: { params: titleParam, body: { type: 'object', required: ['rating'], additionalProperties: false, properties: { rating: { type: 'integer', enum: [-1, 1, 2] } } } } },
      async (request, reply) => {
        const caller = await auth.profile(request);
        await service.rate(caller.profile.id, request.params.titleId, request.body.rating);
        return reply.status(204).send();
      },
    );

    app.get<{ Params: { titleId: string } }>('/api/v1/ratings/:titleId', { schema: { params: titleParam } }, async (request) => {
      const caller = await auth.profile(request);
      return { titleId: request.params.titleId, rating: await service.ratingOf(caller.profile.id, request.params.titleId) };
    });

    app.delete<{ Params: { titleId: string } }>('/api/v1/ratings/:titleId', { schema: { params: titleParam } }, async (request, reply) => {
      const caller = await auth.profile(request);
      await service.rate(caller.profile.id, request.params.titleId, null);
      return reply.status(204).send();
    });
  };
}
