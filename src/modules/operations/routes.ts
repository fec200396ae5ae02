import type { FastifyInstance } from 'fastify';
import { requestDevice } from '../experiments/index.ts';
import type { Authenticator } from '../identity/index.ts';
import type { OperationsService, QoeInput } from './service.ts';

const count = { type: 'integer', minimum: 0, maximum: 1_000_000 } as const;
const millis = { type: 'integer', minimum: 0, maximum: 7 * 24 * 3_600_000 } as const;

const qoeBody = {
  type: 'object',
  required: ['videoId', 'timeToFirstFrameMs', 'rebufferCount', 'rebufferMs', 'playedMs', 'bitrateSwitches', 'averageBitrateKbps'],
  additionalProperties: false,
  properties: {
    videoId: { type: 'string', minLength: 1, maxLength: 64 },
    playbackId: { type: 'string', minLength: 1, maxLength: 64 },
    contentType: { type: 'string', enum: ['movie', 'episode'] },
    timeToFirstFrameMs: { type: ['integer', 'null'], minimum: 0, maximum: 600_000 },
    rebufferCount: count,
    rebufferMs: millis,
    playedMs: millis,
    bitrateSwitches: count,
    averageBitrateKbps: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    fatalError: { type: 'string', pattern: '^[a-z0-9_.-]{1,64}$' },
  },
} as const;

const faultBody = {
  type: 'object',
  required: ['mode'],
  additionalProperties: false,
  properties: { mode: { type: 'string', enum: ['fail', 'hang', 'slow'] }, delayMs: { type: 'integer', minimum: 1, maximum: 60_000 } },
} as const;

export function operationsRoutes(service: OperationsService, auth: Authenticator) {
  return async (app: FastifyInstance) => {
    app.post<{ Body: QoeInput }>('/api/v1/qoe', { schema: { body: qoeBody } }, async (request, reply) => {
      const caller = await auth.profile(request);
      await service.recordQoe({ accountId: caller.accountId, profileId: caller.profile.id }, requestDevice(request), request.body);
      return reply.status(202).send();
    });

    app.get<{ Querystring: { hours: number; bucketMinutes: number } }>(
      '/api/v1/admin/qoe',
      { schema: { querystring: { type: 'object', additionalProperties: false, properties: { hours: { type: 'integer', minimum: 1, maximum: 24 * 31, default: 24 }, bucketMinutes: { type: 'integer', minimum: 1, maximum: 24 * 60, default: 60 } } } } },
      async (request) => {
        await auth.role(request, 'admin');
        return service.qoeSummary(request.query.hours, request.query.bucketMinutes);
      },
    );

    app.get('/api/v1/admin/resilience', async (request) => {
      await auth.role(request, 'admin');
      return service.resilience();
    });

    app.put<{ Params: { dependency: string }; Body: { mode: 'fail' | 'hang' | 'slow'; delayMs?: number } }>(
      '/api/v1/admin/chaos/:dependency',
      { schema: { body: faultBody, params: { type: 'object', properties: { dependency: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,63}$' } } } } },
      async (request) => {
        await auth.role(request, 'admin');
        const { mode, delayMs } = request.body;
        service.injectFault(request.params.dependency, mode === 'slow' ? { mode, delayMs: delayMs ?? 1000 } : { mode });
        return service.resilience().chaos;
      },
    );

    app.delete<{ Params: { dependency: string } }>('/api/v1/admin/chaos/:dependency', async (request, reply) => {
      await auth.role(request, 'admin');
      service.clearFaults(request.params.dependency);
      return reply.status(204).send();
    });

    app.delete('/api/v1/admin/chaos', async (request, reply) => {
      await auth.role(request, 'admin');
      service.clearFaults();
      return reply.status(204).send();
    });
  };
}
