import { countHit, type WindowState } from './fixedWindow.ts';

export { countHit, type WindowDecision, type WindowState } from './fixedWindow.ts';

export interface RateLimiter {
  /** Counts one hit against `key`; `allowed` is false once `limit` hits fall in one window. */
  hit(key: string, limit: number, windowSec: number): Promise<{ allowed: boolean; retryAfterSec: number }>;
  reset(key: string): Promise<void>;
}

/** In-process limiter for a single node; bounded so a flood of distinct keys cannot grow it forever. */
export function memoryRateLimiter(clock: () => number = Date.now, maxKeys = 100_000): RateLimiter {
  const windows = new Map<string, WindowState>();
  return {
    async hit(key, limit, windowSec) {
      const decision = countHit(windows.get(key), clock(), limit, windowSec);
      windows.delete(key);
      windows.set(key, decision.state);
      if (windows.size > maxKeys) windows.delete(windows.keys().next().value!);
      return { allowed: decision.allowed, retryAfterSec: decision.retryAfterSec };
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}
