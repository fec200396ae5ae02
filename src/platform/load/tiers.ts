/**
 * Degradation tiers, from the seeds: 0 full service, 1 simplified recommendations, 2 static
 * cached lists (optional work shed), 3 playback only. Pure: readings in, next state out.
 */

export const TIER_NAMES = ['full', 'simplified_recommendations', 'static_lists', 'playback_only'] as const;
export type Tier = 0 | 1 | 2 | 3;

export interface LoadReading {
  eventLoopDelayMs: number;
  inFlight: number;
  latencyMs: number;
}

export interface LoadPolicy {
  eventLoopDelayMs: number;
  maxInFlight: number;
  latencyMs: number;
  /** Seconds of calm before stepping one tier back up; hysteresis so the tier does not flap. */
  recoverySec: number;
}

export interface TierState {
  tier: Tier;
  /** When load first fell below the current tier's level (ms), or undefined while it is not. */
  calmSince: number | undefined;
}

/** The load that has lasted across two samples: one blocking spike is not overload. */
export function sustained(previous: LoadReading, latest: LoadReading): LoadReading {
  return {
    eventLoopDelayMs: Math.min(previous.eventLoopDelayMs, latest.eventLoopDelayMs),
    inFlight: Math.min(previous.inFlight, latest.inFlight),
    latencyMs: Math.min(previous.latencyMs, latest.latencyMs),
  };
}

/** How far over its limits the process is: 1 means at the limit of the worst signal. */
export function pressure(r: LoadReading, p: LoadPolicy): number {
  return Math.max(r.eventLoopDelayMs / p.eventLoopDelayMs, r.inFlight / p.maxInFlight, r.latencyMs / p.latencyMs);
}

/** The tier a pressure asks for: at the limit drop to 1, half again over it to 2, double to 3. */
export function tierFor(pressureLevel: number): Tier {
  return pressureLevel >= 2 ? 3 : pressureLevel >= 1.5 ? 2 : pressureLevel >= 1 ? 1 : 0;
}

// Stepping back up needs load clearly below the line, not just under it.
const RECOVERY_MARGIN = 0.8;

export function nextTier(state: TierState, reading: LoadReading, policy: LoadPolicy, now: number): TierState {
  const level = pressure(reading, policy);
  const wanted = tierFor(level);
  if (wanted > state.tier) return { tier: wanted, calmSince: undefined };
  const calm = tierFor(level / RECOVERY_MARGIN) < state.tier;
  if (!calm) return { tier: state.tier, calmSince: undefined };
  const calmSince = state.calmSince ?? now;
  if (now - calmSince >= policy.recoverySec * 1000) return { tier: (state.tier - 1) as Tier, calmSince: now };
  return { tier: state.tier, calmSince };
}

export type Criticality = 'critical' | 'standard' | 'optional';

/** Whether a request of this criticality is refused (503) in this tier. */
export function sheds(tier: Tier, criticality: Criticality): boolean {
  if (criticality === 'critical') return false;
  if (criticality === 'optional') return tier >= 2;
  return tier >= 3;
}
