import type { Plan } from '../identity/index.ts';

/** Screens a plan allows at once, and the tallest picture it includes. */
export const PLAN_LIMITS: Record<Plan, { streams: number; maxHeight: number }> = {
  basic: { streams: 1, maxHeight: 720 },
  standard: { streams: 2, maxHeight: 1080 },
  premium: { streams: 4, maxHeight: 2160 },
};

/** A session with no heartbeat for this long no longer holds a screen. */
export const SESSION_IDLE_SEC = 90;

/** Renditions the device can show and the plan includes; never empty while the ladder is not. */
export function allowedHeights(heights: number[], planMax: number, deviceMax?: number): number[] {
  const cap = Math.min(planMax, deviceMax ?? Infinity);
  const sorted = [...heights].sort((a, b) => a - b);
  const fits = sorted.filter((h) => h <= cap);
  return fits.length > 0 ? fits : sorted.slice(0, 1);
}
