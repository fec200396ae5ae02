export interface WindowState {
  windowStart: number;
  count: number;
}

export interface WindowDecision {
  allowed: boolean;
  state: WindowState;
  retryAfterSec: number;
}

/** Pure fixed-window counting: the decision and the next state for one hit at `now` (ms). */
export function countHit(prev: WindowState | undefined, now: number, limit: number, windowSec: number): WindowDecision {
  const windowMs = windowSec * 1000;
  const state = prev && now - prev.windowStart < windowMs ? { ...prev } : { windowStart: now, count: 0 };
  state.count += 1;
  const allowed = state.count <= limit;
  const retryAfterSec = allowed ? 0 : Math.max(1, Math.ceil((state.windowStart + windowMs - now) / 1000));
  return { allowed, state, retryAfterSec };
}
