import type { FastifyInstance, FastifyRequest } from 'fastify';
import { unavailable } from '../errors.ts';
import { type Criticality, type LoadMonitor, TIER_NAMES, sheds } from '../load/index.ts';
import type { Metrics } from '../metrics.ts';

/**
 * Counts every request into the load monitor and, in the degraded tiers, refuses what matters
 * least first (503 with Retry-After) so playback start and progress keep their headroom.
 */
export function installLoadShedding(app: FastifyInstance, o: { monitor: LoadMonitor; criticalityOf(request: FastifyRequest): Criticality; metrics: Metrics }): void {
  const shed = o.metrics.counter('marquee_requests_shed_total', 'Requests refused by load shedding', ['tier', 'criticality']);
  // A callback hook, not an async one: it runs on every request, and a promise per hook adds up.
  app.addHook('onRequest', (request, reply, next) => {
    const started = performance.now();
    const done = o.monitor.requestStarted();
    reply.raw.once('close', () => done(performance.now() - started));
    const tier = o.monitor.tier();
    const criticality = o.criticalityOf(request);
    if (!sheds(tier, criticality)) return next();
    shed.inc({ tier: TIER_NAMES[tier], criticality });
    next(unavailable('shedding_load', `The service is under heavy load and has paused this feature (${TIER_NAMES[tier].replace(/_/g, ' ')}); playback keeps working`, 10));
  });
}
