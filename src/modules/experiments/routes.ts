import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from '../identity/index.ts';
import type { ExperimentInput, ExperimentPatch, ExperimentsService } from './service.ts';
import { deviceOf } from './targeting.ts';
import { DEVICES, RULE_TYPES, UNIT_TYPES } from './types.ts';

const slug = { type: 'string', minLength: 2, maxLength: 64 } as const;
const isoDate = { type: ['string', 'null'], maxLength: 40 } as const;
const definition = {
  name: { type: 'string', minLength: 1, maxLength: 200 },
  description: { type: 'string', maxLength: 2000 },
  unit: { type: 'string', enum: [...UNIT_TYPES] },
  allocation: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
  variants: {
    type: 'array',
    minItems: 2,
    maxItems: 10,
    items: {
      type: 'object',
      required: ['key', 'weight'],
      additionalProperties: false,
      properties: { key: { type: 'string', minLength: 1, maxLength: 64 }, name: { type: 'string', maxLength: 200 }, weight: { type: 'number', exclusiveMinimum: 0, maximum: 100 }, config: { type: 'object' } },
    },
  },
  targeting: {
    type: 'array',
    maxItems: 20,
    items: {
      type: 'object',
      required: ['type', 'values'],
      additionalProperties: false,
      properties: { type: { type: 'string', enum: [...RULE_TYPES] }, values: { type: 'array', maxItems: 300, items: { type: 'string', minLength: 1, maxLength: 20 } }, include: { type: 'boolean' } },
    },
  },
  metrics: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 64 } },
  layer: { type: ['string', 'null'], minLength: 2, maxLength: 64 },
  startDate: isoDate,
  endDate: isoDate,
} as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 100 } } } as const;

/** The device a request comes from: `x-device-type` (web, tv, mobile, tablet), else a user-agent guess. */
export function requestDevice(request: FastifyRequest) {
  const declared = request.headers['x-device-type'];
  return deviceOf(typeof declared === 'string' ? declared : undefined, request.headers['user-agent']);
}

export function experimentRoutes(service: ExperimentsService, auth: Authenticator) {
  return async (app: FastifyInstance) => {
    // What the caller is in. Any signed-in caller; profile-unit experiments need a profile token.
    app.get('/api/v1/experiments/assignments', async (request) => {
      const caller = await auth.account(request);
      const items = await service.assignments(caller, requestDevice(request));
      return {
        unit: { accountId: caller.accountId, profileId: caller.profile?.id ?? null },
        items: items.map((a) => ({ experiment: a.key, experimentId: a.experimentId, variant: a.variant, config: a.config, unitType: a.unitType, source: a.source })),
      };
    });

    // A client reports that a variant it rendered changed what the user saw.
    app.post<{ Body: { experiment: string } }>(
      '/api/v1/experiments/exposures',
      { schema: { body: { type: 'object', required: ['experiment'], additionalProperties: false, properties: { experiment: slug } } } },
      async (request, reply) => {
        const caller = await auth.account(request);
        const decision = await service.decide(caller, requestDevice(request), request.body.experiment);
        const logged = decision ? await service.expose(caller, decision.assignment) : false;
        return reply.status(202).send({ assigned: Boolean(decision), variant: decision?.assignment.variant ?? null, logged });
      },
    );

    app.get('/api/v1/experiments/holdout', async (request) => {
      await auth.role(request, 'admin');
      return service.holdout();
    });

    app.put<{ Body: { percent: number } }>(
      '/api/v1/experiments/holdout',
      { schema: { body: { type: 'object', required: ['percent'], additionalProperties: false, properties: { percent: { type: 'number', minimum: 0, maximum: 100 } } } } },
      async (request) => {
        await auth.role(request, 'admin');
        return service.setHoldout(request.body.percent);
      },
    );

    app.get('/api/v1/experiments', async (request) => {
      await auth.role(request, 'admin');
      return { items: await service.list(), devices: DEVICES };
    });

    app.post<{ Body: ExperimentInput }>(
      '/api/v1/experiments',
      { schema: { body: { type: 'object', required: ['key', 'name', 'allocation', 'variants'], additionalProperties: false, properties: { key: slug, ...definition } } } },
      async (request, reply) => {
        await auth.role(request, 'admin');
        return reply.status(201).send(await service.create(request.body));
      },
    );

    app.get<{ Params: { id: string } }>('/api/v1/experiments/:id', { schema: { params: idParams } }, async (request) => {
      await auth.role(request, 'admin');
      return service.get(request.params.id);
    });

    app.patch<{ Params: { id: string }; Body: ExperimentPatch }>(
      '/api/v1/experiments/:id',
      { schema: { params: idParams, body: { type: 'object', additionalProperties: false, minProperties: 1, properties: definition } } },
      async (request) => {
        await auth.role(request, 'admin');
        return service.update(request.params.id, request.body);
      },
    );

    for (const action of ['start', 'pause', 'complete'] as const) {
      app.post<{ Params: { id: string } }>(`/api/v1/experiments/:id/${action}`, { schema: { params: idParams } }, async (request) => {
        await auth.role(request, 'admin');
        return service[action](request.params.id);
      });
    }

    app.get<{ Params: { id: string } }>('/api/v1/experiments/:id/overrides', { schema: { params: idParams } }, async (request) => {
      await auth.role(request, 'admin');
      return { items: await service.overrides(request.params.id) };
    });

    app.put<{ Params: { id: string; accountId: string }; Body: { variant: string } }>(
      '/api/v1/experiments/:id/overrides/:accountId',
      { schema: { body: { type: 'object', required: ['variant'], additionalProperties: false, properties: { variant: { type: 'string', minLength: 1, maxLength: 64 } } } } },
      async (request, reply) => {
        await auth.role(request, 'admin');
        await service.setOverride(request.params.id, request.params.accountId, request.body.variant);
        return reply.status(204).send();
      },
    );

    app.delete<{ Params: { id: string; accountId: string } }>('/api/v1/experiments/:id/overrides/:accountId', async (request, reply) => {
      await auth.role(request, 'admin');
      await service.removeOverride(request.params.id, request.params.accountId);
      return reply.status(204).send();
    });

    app.get<{ Params: { id: string } }>('/api/v1/experiments/:id/results', { schema: { params: idParams } }, async (request) => {
      await auth.role(request, 'admin');
      return service.results(request.params.id);
    });
  };
}
