import type { Logger } from 'pino';
import type { JobQueue } from '../../platform/jobs/index.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { ObjectStore } from '../../platform/objects/index.ts';
import type { Authenticator } from '../identity/index.ts';
import { type FillCandidate, FILL_JOB, fillJob } from './fillJob.ts';
import { steeringRoutes } from './routes.ts';
import { steeringService } from './steering.ts';

export { type Admission, ByteCache, FrequencySketch, planInsert } from './cachePolicy.ts';
export { createEdge, type Edge, type EdgeOptions } from './edgeServer.ts';
export { DiskCache } from './diskCache.ts';
export { fillCandidatesFrom } from './fillCandidates.ts';
export { type FillCandidate, FILL_JOB, type FillRunResult, runFill } from './fillJob.ts';
export { type EdgeFill, type FillEdge, type FillTitle, planFill } from './fillPlan.ts';
export { type FillRequest, signFillRequest } from './fillRequest.ts';
export { withRedundantVariants } from './hls.ts';
export { openingSegments, withBaseUrls } from './mpd.ts';
export { nginxConfig, type NginxEdgeOptions } from './nginxConfig.ts';
export { nginxLinkKey } from '../playback/index.ts';
export { type EdgePick, type EdgeView, pickEdges } from './pickEdges.ts';
export { type EdgeReport, type SteeringService, signEdgeReport, verifyEdgeReport } from './steering.ts';

export interface SteeringModuleOptions {
  secret: string;
  metrics: Metrics;
  log: Logger;
  checkIntervalMs: number;
  auth: Authenticator;
  queue: JobQueue;
  objects: ObjectStore;
  /** Titles' videos with their demand, for the fill job. */
  fillCandidates(): Promise<FillCandidate[]>;
  /** How often to enqueue the fill job; 0: only on demand. */
  fillIntervalSec: number;
}

/** The steering role: edge registry, active health checks, the edge choice for playback start, and the fill job. */
export function steeringModule(o: SteeringModuleOptions) {
  const service = steeringService(o);
  const fill = fillJob({ steering: service, objects: o.objects, candidates: o.fillCandidates, secret: o.secret, log: o.log.child({ job: FILL_JOB }) });
  let timer: NodeJS.Timeout | undefined;
  return {
    service,
    routes: steeringRoutes(service, o.auth, o.queue),
    jobs: { [FILL_JOB]: fill },
    start(): void {
      service.start();
      if (o.fillIntervalSec > 0 && !timer) {
        timer = setInterval(() => void o.queue.enqueue(FILL_JOB, {}).catch((err: unknown) => o.log.warn({ err }, 'could not enqueue the fill job')), o.fillIntervalSec * 1000);
        timer.unref();
      }
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await service.stop();
    },
  };
}
