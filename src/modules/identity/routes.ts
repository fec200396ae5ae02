import type { FastifyInstance } from 'fastify';
import type { Authenticator } from './auth.ts';
import type { IdentityService } from './service.ts';
import { PLANS, ROLES, type AccountRole, type Plan } from './types.ts';

const credentials = {
  email: { type: 'string', format: 'email', maxLength: 254 },
  password: { type: 'string', minLength: 8, maxLength: 256 },
} as const;

const refreshBody = {
  type: 'object',
  required: ['refreshToken'],
  additionalProperties: false,
  properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 512 } },
} as const;

export function identityRoutes(service: IdentityService, auth: Authenticator) {
  return async (app: FastifyInstance) => {
    app.post<{ Body: { email: string; password: string; plan?: Plan; country?: string } }>(
      '/api/v1/auth/signup',
      {
        schema: {
          body: {
            type: 'object',
            required: ['email', 'password'],
            additionalProperties: false,
            properties: { ...credentials, plan: { type: 'string', enum: PLANS }, country: { type: 'string', pattern: '^[A-Za-z]{2}$' } },
          },
        },
      },
      async (request, reply) => reply.status(201).send(await service.signup(request.body)),
    );

    app.post<{ Body: { email: string; password: string } }>(
      '/api/v1/auth/login',
      { schema: { body: { type: 'object', required: ['email', 'password'], additionalProperties: false, properties: { email: { type: 'string', minLength: 1, maxLength: 254 }, password: { type: 'string', minLength: 1, maxLength: 256 } } } } },
      async (request) => service.login(request.body.email, request.body.password, request.ip),
    );

    app.post<{ Body: { refreshToken: string } }>('/api/v1/auth/refresh', { schema: { body: refreshBody } }, async (request) => {
      const { accessToken, refreshToken } = await service.refresh(request.body.refreshToken);
      return { accessToken, refreshToken };
    });

    app.post<{ Body: { refreshToken: string } }>('/api/v1/auth/logout', { schema: { body: refreshBody } }, async (request, reply) => {
      await service.logout(request.body.refreshToken);
      return reply.status(204).send();
    });

    app.get('/api/v1/account', async (request) => {
      const caller = await auth.account(request);
      return service.account(caller.accountId);
    });

    app.put<{ Params: { accountId: string }; Body: { role: AccountRole } }>(
      '/api/v1/admin/accounts/:accountId/role',
      { schema: { body: { type: 'object', required: ['role'], additionalProperties: false, properties: { role: { type: 'string', enum: ROLES } } } } },
      async (request, reply) => {
        await auth.role(request, 'admin');
        await service.setRole(request.params.accountId, request.body.role);
        return reply.status(204).send();
      },
    );
  };
}
