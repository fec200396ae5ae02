import type { FastifyInstance } from 'fastify';
import type { SignedEdgeReport, SteeringService } from './steering.ts';

const reportBody = {
  type: 'object',
  required: ['id', 'baseUrl', 'region', 'capacityBytes', 'usedBytes', 'load', 'ts', 'sig'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,100}$' },
    baseUrl: { type: 'string', minLength: 8, maxLength: 500 },
    region: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,50}$' },
    capacityBytes: { type: 'integer', minimum: 0 },
    usedBytes: { type: 'integer', minimum: 0 },
    load: { type: 'number', minimum: 0 },
    ts: { type: 'integer', minimum: 0 },
    sig: { type: 'string', minLength: 10, maxLength: 200 },
  },
} as const;

export function steeringRoutes(steering: SteeringService) {
  return async (app: FastifyInstance) => {
    /** Register and heartbeat: edges call it on start and then periodically, signed with the shared secret. */
    app.post<{ Body: SignedEdgeReport }>('/api/v1/steering/edges', { schema: { body: reportBody } }, async (request) => {
      const e = steering.report(request.body);
      return { id: e.id, healthy: e.healthy };
    });
    /** The registry as steering sees it (operators and tests). Holds no secrets. */
    app.get('/api/v1/steering/edges', async () => ({
      edges: steering.list().map((e) => ({ id: e.id, baseUrl: e.baseUrl, region: e.region, healthy: e.healthy, load: e.load, capacityBytes: e.capacityBytes, usedBytes: e.usedBytes, lastHeartbeatAt: new Date(e.lastHeartbeatAt).toISOString(), consecutiveFailures: e.consecutiveFailures })),
    }));
  };
}
