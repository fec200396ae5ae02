import type { Plan } from '../identity/index.ts';

/**
 * What each plan includes: screens streaming at once, devices registered to the account, and
 * the tallest picture. Premium's 2160 means "the top rung", whatever the ladder's top is.
 */
export const PLAN_LIMITS: Record<Plan, { streams: number; devices: number; maxHeight: number }> = {
  basic: { streams: 1, devices: 2, maxHeight: 720 },
  standard: { streams: 2, devices: 4, maxHeight: 1080 },
  premium: { streams: 4, devices: 6, maxHeight: 2160 },
};

/**
 * A session with no heartbeat for this long no longer holds a screen. Players beat every 15 s,
 * so a closed tab (or a crashed TV) frees its screen within 45 s even when its stop never arrives.
 */
export const SESSION_IDLE_SEC = 45;

/** How long a refused start should wait: until the oldest silent stream would have timed out, at most the idle window. */
export function retryAfterSec(lastSeenAt: string[], now: number): number {
  const soonest = Math.min(...lastSeenAt.map((t) => Date.parse(t) + SESSION_IDLE_SEC * 1000 - now));
  return Math.max(1, Math.min(SESSION_IDLE_SEC, Math.ceil(soonest / 1000)));
}
