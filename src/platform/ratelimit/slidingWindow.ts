/**
 * Sliding-window counting, approximated from two fixed windows (the current one and the one
 * before it, weighted by how much of it still overlaps the sliding window). It needs two counters
 * per key, so it works the same in memory and in Redis, and it has no burst at window edges.
 */

export interface WindowCounts {
  /** Hits counted in the previous fixed window. */
  previous: number;
  /** Hits counted in the current fixed window (before this one). */
  current: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Hits still allowed now, after this one if it was allowed. */
  remaining: number;
  /** Seconds until the window has fully slid past everything counted so far. */
  resetSec: number;
  /** Seconds to wait before the next hit would be allowed; 0 when allowed. */
  retryAfterSec: number;
}

export const windowIndex = (now: number, windowSec: number): number => Math.floor(now / (windowSec * 1000));

/** How much of the previous fixed window still lies inside the sliding window ending at `now`. */
export function previousWeight(now: number, windowSec: number): number {
  const windowMs = windowSec * 1000;
  return 1 - (now % windowMs) / windowMs;
}

const estimate = (c: WindowCounts, weight: number) => c.previous * weight + c.current;

/** Whether one more hit fits. Refused hits are not counted, so a client that backs off recovers. */
export const admits = (c: WindowCounts, weight: number, limit: number): boolean => estimate(c, weight) + 1 <= limit;

/** The decision for one hit at `now`, given the counts before it and whether it was admitted. */
export function decide(before: WindowCounts, now: number, limit: number, windowSec: number): RateDecision {
  const windowMs = windowSec * 1000;
  const weight = previousWeight(now, windowSec);
  const allowed = admits(before, weight, limit);
  const after = allowed ? { ...before, current: before.current + 1 } : before;
  const untilWindowEnd = windowMs - (now % windowMs);
  const remaining = Math.max(0, Math.floor(limit - estimate(after, weight)));
  const resetMs = after.current > 0 ? untilWindowEnd + windowMs : after.previous > 0 ? untilWindowEnd : 0;
  return { allowed, limit, remaining, resetSec: Math.ceil(resetMs / 1000), retryAfterSec: allowed ? 0 : Math.max(1, Math.ceil(waitMs(after, now, limit, windowMs) / 1000)) };
}

/** Milliseconds until `admits` holds again, as the previous window's weight decays. */
function waitMs(c: WindowCounts, now: number, limit: number, windowMs: number): number {
  const elapsed = now % windowMs;
  const room = limit - 1 - c.current;
  // Still inside this window: the previous window's share must shrink to `room`.
  if (room >= 0 && c.previous > 0) {
    const fraction = 1 - room / c.previous;
    if (fraction * windowMs < windowMs) return Math.max(0, fraction * windowMs - elapsed);
  }
  // In the next window, this window's count becomes the decaying one.
  if (limit < 1) return windowMs - elapsed + windowMs;
  const nextFraction = c.current > 0 ? Math.max(0, 1 - (limit - 1) / c.current) : 0;
  return windowMs - elapsed + nextFraction * windowMs;
}
