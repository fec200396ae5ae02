import type { Logger } from 'pino';
import type { Metrics } from '../../platform/metrics.ts';
import { steeringRoutes } from './routes.ts';
import { type SteeringService, steeringService } from './steering.ts';

export { type Admission, ByteCache, FrequencySketch, planInsert } from './cachePolicy.ts';
export { createEdge, type Edge, type EdgeOptions } from './edgeServer.ts';
export { withBaseUrls } from './mpd.ts';
export { type EdgePick, type EdgeView, pickEdges } from './pickEdges.ts';
export { type EdgeReport, type SteeringService, signEdgeReport, verifyEdgeReport } from './steering.ts';

export interface SteeringModuleOptions {
  secret: string;
  metrics: Metrics;
  log: Logger;
  checkIntervalMs: number;
}

/** The steering role: edge registry, active health checks, and the edge choice for playback start. */
export function steeringModule(o: SteeringModuleOptions): { service: SteeringService; routes: ReturnType<typeof steeringRoutes> } {
  const service = steeringService(o);
  return { service, routes: steeringRoutes(service) };
}
