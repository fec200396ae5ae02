import { setTimeout as sleep } from 'node:timers/promises';
import { unavailable } from '../errors.ts';

/** What a chaos experiment does to a named dependency. */
export type Fault = { mode: 'fail' } | { mode: 'hang' } | { mode: 'slow'; delayMs: number };

export interface FaultInjector {
  readonly enabled: boolean;
  set(dependency: string, fault: Fault): void;
  clear(dependency?: string): void;
  list(): { dependency: string; fault: Fault }[];
  /** Applies the dependency's fault, if any, before the real call. */
  around<T>(dependency: string, call: () => Promise<T>): Promise<T>;
}

export class ChaosDisabledError extends Error {}

/**
 * Chaos faults, off unless enabled in config. A hang never settles on its own (the caller's
 * timeout is what is being tested); clearing the fault releases the hung calls with an error.
 */
export function faultInjector(enabled: boolean): FaultInjector {
  const faults = new Map<string, Fault>();
  const hung = new Set<() => void>();
  return {
    enabled,
    set(dependency, fault) {
      if (!enabled) throw new ChaosDisabledError('Fault injection is disabled (CHAOS_ENABLED is not set)');
      faults.set(dependency, fault);
    },
    clear(dependency) {
      if (dependency === undefined) faults.clear();
      else faults.delete(dependency);
      for (const release of hung) release();
      hung.clear();
    },
    list: () => [...faults].map(([dependency, fault]) => ({ dependency, fault })),
    async around(dependency, call) {
      const fault = enabled ? faults.get(dependency) : undefined;
      if (!fault) return call();
      if (fault.mode === 'fail') throw unavailable('injected_fault', `${dependency} is failing (chaos experiment)`);
      if (fault.mode === 'slow') {
        await sleep(fault.delayMs);
        return call();
      }
      await new Promise<void>((resolve) => hung.add(resolve));
      throw unavailable('injected_fault', `${dependency} hung (chaos experiment)`);
    },
  };
}
