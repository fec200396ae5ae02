import CircuitBreaker from 'opossum';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainError } from '../errors.ts';
import { retryDelaySec } from '../jobs/backoff.ts';
import type { Metrics } from '../metrics.ts';
import { inSpan } from '../tracing.ts';
import type { FaultInjector } from './faults.ts';

export interface GuardOptions<A extends unknown[], R> {
  /** Milliseconds before a call counts as failed (the caller gets the fallback). */
  timeoutMs?: number;
  /** Calls allowed in flight at once (a bulkhead); more are refused straight to the fallback. */
  maxConcurrent?: number;
  /** Extra attempts, with exponential backoff and jitter. Only for idempotent calls. */
  retries?: number;
  /** Errors that are an answer, not the dependency failing (beyond 4xx domain errors): not retried, never trip the breaker. */
  isAnswer?: (err: unknown) => boolean;
  /** What the user gets instead when the call fails, times out, is refused or the circuit is open. */
  fallback?: (...args: [...A, Error]) => R | Promise<R>;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerView {
  name: string;
  state: BreakerState;
  stats: { fires: number; failures: number; timeouts: number; rejects: number; fallbacks: number; semaphoreRejections: number; latencyMean: number };
}

export interface Guards {
  /** Wraps a call across a seam: chaos fault, retries, timeout, bulkhead, breaker, fallback. */
  guard<A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>, options?: GuardOptions<A, R>): (...args: A) => Promise<R>;
  breakers(): BreakerView[];
  shutdown(): void;
}

// Answers that are the caller's fault (404, 400, 403 ...) are not the dependency failing.
const isCallerError = (err: unknown) => err instanceof DomainError && err.kind !== 'unavailable';

const STATE_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

const stateOf = (b: CircuitBreaker): BreakerState => (b.opened ? 'open' : b.halfOpen ? 'half_open' : 'closed');

export function createGuards(o: { metrics: Metrics; faults: FaultInjector; defaultTimeoutMs: number; resetTimeoutMs?: number; log?: { warn(obj: object, msg: string): void } }): Guards {
  const all = new Map<string, CircuitBreaker>();
  o.metrics.gauge('marquee_circuit_breaker_state', 'Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open', ['dependency'], (g) => {
    for (const [name, b] of all) g.set({ dependency: name }, STATE_VALUE[stateOf(b)]);
  });
  const outcomes = o.metrics.counter('marquee_dependency_calls_total', 'Calls across module seams by outcome', ['dependency', 'outcome']);

  return {
    guard(name, call, options = {}) {
      if (all.has(name)) throw new Error(`A guard named ${name} already exists`);
      const isAnswer = (err: unknown) => isCallerError(err) || (options.isAnswer?.(err) ?? false);
      const attempt = (...args: Parameters<typeof call>) => o.faults.around(name, () => call(...args));
      const action = async (...args: Parameters<typeof call>) => {
        for (let tries = 0; ; tries++) {
          try {
            return await attempt(...args);
          } catch (err) {
            if (tries >= (options.retries ?? 0) || isAnswer(err)) throw err;
            await sleep(retryDelaySec(tries + 1, 0.05, 1) * 1000);
          }
        }
      };
      const breaker = new CircuitBreaker(action, {
        name,
        timeout: options.timeoutMs ?? o.defaultTimeoutMs,
        errorThresholdPercentage: 50,
        volumeThreshold: 5,
        rollingCountTimeout: 10_000,
        resetTimeout: o.resetTimeoutMs ?? 5_000,
        errorFilter: isAnswer,
        ...(options.maxConcurrent ? { capacity: options.maxConcurrent } : {}),
      });
      if (options.fallback) breaker.fallback(options.fallback as (...args: unknown[]) => unknown);
      breaker.on('success', () => outcomes.inc({ dependency: name, outcome: 'success' }));
      breaker.on('failure', () => outcomes.inc({ dependency: name, outcome: 'failure' }));
      breaker.on('timeout', () => outcomes.inc({ dependency: name, outcome: 'timeout' }));
      breaker.on('reject', () => outcomes.inc({ dependency: name, outcome: 'short_circuited' }));
      breaker.on('semaphoreLocked', () => outcomes.inc({ dependency: name, outcome: 'bulkhead_full' }));
      breaker.on('fallback', () => outcomes.inc({ dependency: name, outcome: 'fallback' }));
      breaker.on('open', () => o.log?.warn({ dependency: name }, 'circuit open: calls go to the fallback'));
      breaker.on('halfOpen', () => o.log?.warn({ dependency: name }, 'circuit half-open: trying the dependency again'));
      breaker.on('close', () => o.log?.warn({ dependency: name }, 'circuit closed: dependency healthy again'));
      all.set(name, breaker);
      return (...args) => inSpan(`seam ${name}`, () => breaker.fire(...args) as Promise<Awaited<ReturnType<typeof call>>>);
    },
    breakers: () =>
      [...all].map(([name, b]) => {
        const s = b.stats;
        return { name, state: stateOf(b), stats: { fires: s.fires, failures: s.failures, timeouts: s.timeouts, rejects: s.rejects, fallbacks: s.fallbacks, semaphoreRejections: s.semaphoreRejections, latencyMean: s.latencyMean } };
      }),
    shutdown() {
      for (const b of all.values()) b.shutdown();
    },
  };
}
