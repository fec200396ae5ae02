import type { Kysely } from 'kysely';
import type { LoadMonitor } from '../../platform/load/index.ts';
import type { Metrics } from '../../platform/metrics.ts';
import type { FaultInjector, Guards } from '../../platform/resilience/index.ts';
import type { Authenticator } from '../identity/index.ts';
import { operationsMigrations } from './migrations.ts';
import { operationsRoutes } from './routes.ts';
import { operationsService } from './service.ts';

export { operationsMigrations };
export type { OperationsService } from './service.ts';

/** What on-call sees and steers: player QoE, breakers, the degradation tier, chaos faults. */
export function operationsModule(o: { db: Kysely<object>; auth: Authenticator; metrics: Metrics; guards: Guards; faults: FaultInjector; monitor: LoadMonitor; dependencies: () => string[] }) {
  const service = operationsService(o);
  return { service, routes: operationsRoutes(service, o.auth) };
}
