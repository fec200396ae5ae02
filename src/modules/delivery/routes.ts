import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import type { Authenticator } from '../identity/index.ts';
import { FILL_JOB } from './fillJob.ts';
import type { SignedEdgeReport, SteeringService } from './steering.ts';

const reportBody = {
  type: 'object',
  required: ['id', 'baseUrl', 'region', 'capacityBytes', 'usedBytes', 'load', 'holds', 'ts', 'sig'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,100}$' },
    baseUrl: { type: 'string', minLength: 8, maxLength: 500 },
    region: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,50}$' },
    capacityBytes: { type: 'integer', minimum: 0 },
    usedBytes: { type: 'integer', minimum: 0 },
    load: { type: 'number', minimum: 0 },
    holds: { type: 'array', maxItems: 5000, items: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$' } },
    ts: { type: 'integer', minimum: 0 },
    sig: { type: 'string', minLength: 10, maxLength: 200 },
  },
} as const;

const failoverBody = {
  type: 'object',
  required: ['playbackId', 'from', 'to'],
  additionalProperties: false,
  properties: {
    playbackId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' },
    from: { type: 'string', minLength: 8, maxLength: 500, pattern: '^https?://' },
    to: { type: 'string', minLength: 8, maxLength: 500, pattern: '^https?://' },
  },
} as const;

export function steeringRoutes(steering: SteeringService, auth: Authenticator, queue: JobQueue) {
  return async (app: FastifyInstance) => {
    /** Register and heartbeat: edges call it on start and then periodically, signed with the shared secret. */
    app.post<{ Body: SignedEdgeReport }>('/api/v1/steering/edges', { schema: { body: reportBody } }, async (request) => {
      const e = steering.report(request.body);
      return { id: e.id, healthy: e.healthy };
    });
    /** The registry as steering sees it (operators and tests). Holds no secrets. */
    app.get('/api/v1/steering/edges', async () => ({
      edges: steering.list().map((e) => ({ id: e.id, baseUrl: e.baseUrl, region: e.region, healthy: e.healthy, load: e.load, capacityBytes: e.capacityBytes, usedBytes: e.usedBytes, holds: e.holds.length, lastHeartbeatAt: new Date(e.lastHeartbeatAt).toISOString(), consecutiveFailures: e.consecutiveFailures })),
    }));

    /** A player moved to another delivery alternative mid-stream: counted and logged, so failovers are visible. */
    app.post<{ Body: { playbackId: string; from: string; to: string } }>('/api/v1/delivery/failovers', { schema: { body: failoverBody } }, async (request, reply) => {
      const caller = await auth.profile(request);
      const self = `${request.protocol}://${request.headers.host ?? ''}`;
      steering.recordFailover({ ...request.body, profileId: caller.profile.id, origin: self });
      return reply.status(204).send();
    });

    /** Runs the prepositioning fill now (it also runs every FILL_INTERVAL_SEC). */
    app.post('/api/v1/admin/delivery/fill', async (request, reply) => {
      await auth.role(request, 'admin');
      const job = await queue.enqueue(FILL_JOB, {});
      return reply.status(202).send({ jobId: job.id, status: job.status });
    });
    app.get<{ Params: { jobId: string } }>('/api/v1/admin/delivery/fill/:jobId', async (request) => {
      await auth.role(request, 'admin');
      const job = await queue.get(request.params.jobId);
      if (!job || job.type !== FILL_JOB) throw notFound('job_not_found', 'No such fill job');
      return { jobId: job.id, status: job.status, error: job.error, result: job.result };
    });
  };
}
