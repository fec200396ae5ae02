import type { FastifyInstance } from 'fastify';
import { MATURITY_RATINGS, viewerOf } from '../catalog/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { Guards } from '../../platform/resilience/index.ts';
import { guardedSearch } from './degraded.ts';
import type { SearchQuery, SearchService } from './service.ts';

const q = { type: 'string', minLength: 1, maxLength: 200 } as const;
const year = { type: 'integer', minimum: 1870, maximum: 2100 } as const;
/** ISO 639-1 language code ("en", "fr"). */
const language = { type: 'string', pattern: '^[A-Za-z]{2}$' } as const;

/** Server-side time of a search, for clients and load tests (no network in it). */
const serverTiming = (startedNs: bigint): string => `search;dur=${(Number(process.hrtime.bigint() - startedNs) / 1e6).toFixed(2)}`;

export function searchRoutes(service: SearchService, auth: Authenticator, guards: Guards) {
  const guarded = guardedSearch(service, guards);
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: SearchQuery }>(
      '/api/v1/search',
      {
        schema: {
          querystring: {
            type: 'object',
            required: ['q'],
            additionalProperties: false,
            properties: {
              q,
              genre: { type: 'string', minLength: 1, maxLength: 100 },
              type: { type: 'string', enum: ['movie', 'series'] },
              yearFrom: year,
              yearTo: year,
              maxRating: { type: 'string', enum: MATURITY_RATINGS },
              audio: language,
              subtitles: language,
              limit: { type: 'integer', minimum: 1, maximum: 100 },
              offset: { type: 'integer', minimum: 0, maximum: 1000 },
            },
          },
        },
      },
      async (request, reply) => {
        const started = process.hrtime.bigint();
        const caller = await auth.optional(request);
        const result = await guarded.search(request.query, viewerOf(caller), caller?.profile?.id);
        reply.header('server-timing', serverTiming(started));
        return result;
      },
    );

    app.get<{ Querystring: { q: string; limit?: number } }>(
      '/api/v1/search/suggest',
      {
        schema: {
          querystring: {
            type: 'object',
            required: ['q'],
            additionalProperties: false,
            properties: { q, limit: { type: 'integer', minimum: 1, maximum: 10 } },
          },
        },
      },
      async (request, reply) => {
        const started = process.hrtime.bigint();
        const s = await guarded.suggest(request.query.q, viewerOf(await auth.optional(request)), request.query.limit);
        reply.header('server-timing', serverTiming(started));
        // `items` keeps the v1 contract ({titleId, text}); people and genres ride alongside.
        return { items: s.titles, people: s.people, genres: s.genres };
      },
    );
  };
}
