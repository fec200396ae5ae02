import type { KyselyPlugin } from 'kysely';
import type { FaultInjector } from './faults.ts';

/**
 * Lets chaos experiments slow, hang or fail the database. Kysely's query hook is synchronous,
 * so the fault applies as each query's result comes back: a slowed database answers late.
 */
export function databaseFaultPlugin(faults: FaultInjector, dependency = 'database'): KyselyPlugin {
  return {
    transformQuery: (args) => args.node,
    transformResult: async (args) => faults.around(dependency, async () => args.result),
  };
}
