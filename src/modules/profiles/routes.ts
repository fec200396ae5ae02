import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import { MATURITY_RATINGS } from '../catalog/index.ts';
import type { Authenticator, IdentityService } from '../identity/index.ts';
import { AVATAR_COUNT, avatarSvg } from './avatar.ts';
import type { NewProfile, ProfilesService } from './service.ts';

export function profileRoutes(service: ProfilesService, identity: IdentityService, auth: Authenticator) {
  return async (app: FastifyInstance) => {
    app.get('/api/v1/profiles', async (request) => ({ items: await service.list((await auth.account(request)).accountId) }));

    app.post<{ Body: NewProfile }>(
      '/api/v1/profiles',
      {
        schema: {
          body: {
            type: 'object',
            required: ['name'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', minLength: 1, maxLength: 40, pattern: '\\S' },
              kids: { type: 'boolean' },
              maturityRating: { type: 'string', enum: MATURITY_RATINGS },
              language: { type: 'string', pattern: '^[a-z]{2}(-[A-Z]{2})?$' },
            },
          },
        },
      },
      async (request, reply) => {
        const caller = await auth.account(request);
        return reply.status(201).send(await service.create(caller.accountId, request.body));
      },
    );

    app.post<{ Params: { profileId: string }; Body: { deviceId?: string } | undefined }>(
      '/api/v1/profiles/:profileId/select',
      { schema: { body: { type: ['object', 'null'], additionalProperties: false, properties: { deviceId: { type: 'string', maxLength: 200 } } } } },
      async (request) => {
        const caller = await auth.account(request);
        const profile = await service.owned(caller.accountId, request.params.profileId);
        const accessToken = await identity.profileToken(caller, { id: profile.id, kids: profile.kids, maturityRating: profile.maturityRating });
        return { accessToken, profile };
      },
    );

    app.delete<{ Params: { profileId: string } }>('/api/v1/profiles/:profileId', async (request, reply) => {
      const caller = await auth.account(request);
      await service.remove(caller.accountId, request.params.profileId);
      return reply.status(204).send();
    });

    app.get<{ Params: { n: string } }>('/api/v1/avatars/:n.svg', async (request, reply) => {
      const n = Number(request.params.n);
      if (!Number.isInteger(n) || n < 0 || n >= AVATAR_COUNT) throw notFound('avatar_not_found', 'No such avatar');
      return reply.header('content-type', 'image/svg+xml').header('cache-control', 'public, max-age=604800').send(avatarSvg(n));
    });
  };
}
