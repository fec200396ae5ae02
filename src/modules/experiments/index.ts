import type { Kysely } from 'kysely';
import type { Metrics } from '../../platform/metrics.ts';
import type { Authenticator, Caller } from '../identity/index.ts';
import { experimentMigrations } from './migrations.ts';
import { experimentRoutes } from './routes.ts';
import type { Assignment } from './types.ts';
import { type ActivitySource, type Decision, type ExperimentsService, experimentsService } from './service.ts';

export { experimentMigrations };
export { requestDevice } from './routes.ts';
export { assignAll, inHoldout, type LiveExperiment, variantBounds } from './allocation.ts';
export type { ActivitySource, Decision, ExperimentInput, ExperimentsService } from './service.ts';
export type { Assignment, Device, Experiment, TargetRule, Variant } from './types.ts';

/** What features (home rows, artwork) use: their arm of an experiment, and "this changed what they saw". */
export type ExperimentsClient = Pick<ExperimentsService, 'decide' | 'expose'>;

/**
 * Applies a feature experiment to what a viewer is about to see, and logs the exposure only when
 * some other arm would have shown this viewer something different.
 */
export async function applyExperiment<T>(
  client: ExperimentsClient,
  caller: Caller,
  decision: Decision | undefined,
  apply: (config: Record<string, unknown> | undefined) => T,
  same: (a: T, b: T) => boolean,
): Promise<T> {
  const mine = apply(decision?.assignment.config);
  if (decision && decision.variants.some((v) => !same(apply(v.config), mine))) await client.expose(caller, decision.assignment);
  return mine;
}

export interface ExperimentsModuleOptions {
  db: Kysely<object>;
  auth: Authenticator;
  accountCreatedAt(accountId: string): Promise<string | undefined>;
  activity: ActivitySource;
  plans: readonly string[];
  cacheTtlMs?: number;
  metrics?: Metrics;
}

export function experimentsModule(o: ExperimentsModuleOptions): { service: ExperimentsService; routes: ReturnType<typeof experimentRoutes> } {
  const allocations = o.metrics?.counter('experiment_allocations_total', 'Experiment allocations', ['experiment_id', 'variant_id']);
  const service = experimentsService({
    db: o.db,
    accountCreatedAt: o.accountCreatedAt,
    activity: o.activity,
    plans: o.plans,
    ...(o.cacheTtlMs !== undefined && { cacheTtlMs: o.cacheTtlMs }),
    ...(allocations && { onAllocated: (a: Assignment) => allocations.inc({ experiment_id: a.experimentId, variant_id: a.variant }) }),
  });
  return { service, routes: experimentRoutes(service, o.auth) };
}
