import type { FastifyInstance, FastifyRequest } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import type { ObjectStore } from '../../platform/objects/index.ts';
import { type ExperimentsClient, applyExperiment, requestDevice } from '../experiments/index.ts';
import type { Authenticator, Caller } from '../identity/index.ts';
import { TITLE_ARTWORK_EXPERIMENT, sameArtwork, withArtworkArm } from './artworkExperiment.ts';
import { ADULT_MAX_RATING, MATURITY_RATINGS } from './maturity.ts';
import { ARTWORK_PREFIX, type CatalogService } from './service.ts';
import type { AvailabilityWindow } from './availability.ts';
import type { Artwork, CatalogViewer, NewEpisode, NewTitle, TitleQuery } from './types.ts';

const IMAGE_TYPES: Record<string, string> = { svg: 'image/svg+xml', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

export function viewerOf(caller: Caller | undefined): CatalogViewer | undefined {
  if (!caller) return undefined;
  return { maxMaturityRating: caller.profile?.maturityRating ?? ADULT_MAX_RATING, country: caller.country };
}

const stringList = { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 100 } } as const;
/** ISO 639-1 language codes ("en", "fr"). */
const languageList = { type: 'array', maxItems: 50, items: { type: 'string', pattern: '^[A-Za-z]{2}$' } } as const;

export function catalogRoutes(service: CatalogService, auth: Authenticator, objects: ObjectStore, experiments?: ExperimentsClient) {
  /** The artwork experiment's arm for a viewing profile; anonymous and account-only callers see the control. */
  const artworkFor = async <T extends { artwork: Artwork }>(request: FastifyRequest, caller: Caller | undefined, titles: T[]): Promise<T[]> => {
    if (!experiments || !caller?.profile) return titles;
    const decision = await experiments.decide(caller, requestDevice(request), TITLE_ARTWORK_EXPERIMENT);
    return applyExperiment(experiments, caller, decision, (config) => withArtworkArm(titles, config), sameArtwork);
  };

  return async (app: FastifyInstance) => {
    app.get<{ Querystring: TitleQuery }>(
      '/api/v1/titles',
      {
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: {
              genre: { type: 'string', maxLength: 100 },
              type: { type: 'string', enum: ['movie', 'series'] },
              sort: { type: 'string', enum: ['popular', 'new', 'title'] },
              cursor: { type: 'string', maxLength: 500 },
              limit: { type: 'integer', minimum: 1, maximum: 100 },
            },
          },
        },
      },
      async (request) => {
        const caller = await auth.optional(request);
        const page = await service.listTitles(request.query, viewerOf(caller));
        return { ...page, items: await artworkFor(request, caller, page.items) };
      },
    );

    app.get<{ Params: { titleId: string } }>('/api/v1/titles/:titleId', async (request) => {
      const caller = await auth.optional(request);
      const [title] = await artworkFor(request, caller, [await service.getTitle(request.params.titleId, viewerOf(caller))]);
      return title;
    });

    app.get('/api/v1/genres', async () => ({ items: await service.genres() }));

    app.get<{ Params: { '*': string } }>('/images/*', async (request, reply) => {
      const rest = request.params['*'];
      const ext = rest.split('.').pop()?.toLowerCase() ?? '';
      const type = IMAGE_TYPES[ext];
      const key = `${ARTWORK_PREFIX}/${rest}`;
      if (!type || rest.split('/').some((s) => s === '..' || s === '') || !(await objects.stat(key))) throw notFound('image_not_found', 'No such image');
      reply.header('content-type', type).header('cache-control', 'public, max-age=86400');
      return reply.send(await objects.read(key));
    });

    app.post<{ Body: NewTitle }>(
      '/api/v1/studio/titles',
      {
        schema: {
          body: {
            type: 'object',
            required: ['type', 'name'],
            additionalProperties: false,
            properties: {
              type: { type: 'string', enum: ['movie', 'series'] },
              name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
              synopsis: { type: 'string', maxLength: 5000 },
              year: { type: 'integer', minimum: 1870, maximum: 2100 },
              genres: stringList,
              cast: stringList,
              directors: stringList,
              maturityRating: { type: 'string', enum: MATURITY_RATINGS },
              regions: { type: 'array', maxItems: 250, items: { type: 'string', pattern: '^[A-Za-z]{2}$' } },
              audioLanguages: languageList,
              subtitleLanguages: languageList,
            },
          },
        },
      },
      async (request, reply) => {
        const caller = await auth.role(request, 'partner', 'admin');
        return reply.status(201).send(await service.createTitle(request.body, caller.accountId));
      },
    );

    app.get<{ Params: { titleId: string } }>('/api/v1/studio/titles/:titleId', async (request) => {
      const caller = await auth.role(request, 'partner', 'admin');
      await service.assertOwner(request.params.titleId, caller.accountId, caller.role === 'admin');
      return service.studioTitle(request.params.titleId);
    });

    /** Licensing windows per country: the owning partner or an admin sets them, replacing the old list. */
    app.get<{ Params: { titleId: string } }>('/api/v1/studio/titles/:titleId/availability', async (request) => {
      const caller = await auth.role(request, 'partner', 'admin');
      await service.assertOwner(request.params.titleId, caller.accountId, caller.role === 'admin');
      return { windows: await service.availability(request.params.titleId) };
    });

    app.put<{ Params: { titleId: string }; Body: { windows: AvailabilityWindow[] } }>(
      '/api/v1/studio/titles/:titleId/availability',
      {
        schema: {
          body: {
            type: 'object',
            required: ['windows'],
            additionalProperties: false,
            properties: {
              windows: {
                type: 'array',
                maxItems: 1000,
                items: {
                  type: 'object',
                  required: ['country', 'startsAt'],
                  additionalProperties: false,
                  properties: {
                    country: { type: 'string', pattern: '^[A-Za-z]{2}$' },
                    startsAt: { type: 'string', format: 'date-time' },
                    endsAt: { type: ['string', 'null'], format: 'date-time' },
                  },
                },
              },
            },
          },
        },
      },
      async (request) => {
        const caller = await auth.role(request, 'partner', 'admin');
        await service.assertOwner(request.params.titleId, caller.accountId, caller.role === 'admin');
        return { windows: await service.setAvailability(request.params.titleId, request.body.windows) };
      },
    );

    /** Audio and subtitle languages: the owning partner or an admin replaces both lists. */
    app.put<{ Params: { titleId: string }; Body: { audioLanguages: string[]; subtitleLanguages: string[] } }>(
      '/api/v1/studio/titles/:titleId/languages',
      {
        schema: {
          body: {
            type: 'object',
            required: ['audioLanguages', 'subtitleLanguages'],
            additionalProperties: false,
            properties: { audioLanguages: languageList, subtitleLanguages: languageList },
          },
        },
      },
      async (request) => {
        const caller = await auth.role(request, 'partner', 'admin');
        await service.assertOwner(request.params.titleId, caller.accountId, caller.role === 'admin');
        return service.setLanguages(request.params.titleId, request.body);
      },
    );

    app.post<{ Params: { titleId: string }; Body: NewEpisode }>(
      '/api/v1/studio/titles/:titleId/episodes',
      {
        schema: {
          body: {
            type: 'object',
            required: ['season', 'number', 'name'],
            additionalProperties: false,
            properties: {
              season: { type: 'integer', minimum: 1, maximum: 1000 },
              number: { type: 'integer', minimum: 1, maximum: 10000 },
              name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
              synopsis: { type: 'string', maxLength: 5000 },
            },
          },
        },
      },
      async (request, reply) => {
        const caller = await auth.role(request, 'partner', 'admin');
        await service.assertOwner(request.params.titleId, caller.accountId, caller.role === 'admin');
        return reply.status(201).send(await service.addEpisode(request.params.titleId, request.body));
      },
    );
  };
}
