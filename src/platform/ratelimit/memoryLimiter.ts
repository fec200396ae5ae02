import type { RateLimiter } from './limiter.ts';
import { type WindowCounts, decide, windowIndex } from './slidingWindow.ts';

interface KeyCounts extends WindowCounts {
  index: number;
}

/** Counts of `key` as seen from fixed window `index`: older windows roll off. */
export function rolled(prev: KeyCounts | undefined, index: number): KeyCounts {
  if (!prev || prev.index < index - 1) return { index, previous: 0, current: 0 };
  if (prev.index === index - 1) return { index, previous: prev.current, current: 0 };
  return prev;
}

/** In-process limiter for a single node; bounded so a flood of distinct keys cannot grow it forever. */
export function memoryRateLimiter(clock: () => number = Date.now, maxKeys = 100_000): RateLimiter {
  const counts = new Map<string, KeyCounts>();
  return {
    kind: 'memory',
    async hit(key, limit, windowSec) {
      const now = clock();
      const before = rolled(counts.get(key), windowIndex(now, windowSec));
      const decision = decide(before, now, limit, windowSec);
      counts.delete(key);
      counts.set(key, decision.allowed ? { ...before, current: before.current + 1 } : before);
      if (counts.size > maxKeys) counts.delete(counts.keys().next().value!);
      return decision;
    },
    async reset(key) {
      counts.delete(key);
    },
  };
}
