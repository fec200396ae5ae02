import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Metrics } from '../metrics.ts';
import { type LoadPolicy, type LoadReading, TIER_NAMES, type Tier, type TierState, nextTier, sustained } from './tiers.ts';

export interface LoadMonitor {
  tier(): Tier;
  reading(): LoadReading;
  /** Call when a request starts; the returned function when it ends. */
  requestStarted(): (durationMs: number) => void;
  stop(): void;
}

const SAMPLE_MS = 500;

/**
 * Measures this process's own load (event-loop delay p99, requests in flight, p95 latency of the
 * last sample) twice a second and moves the degradation tier with nextTier, on load that lasted
 * two samples.
 */
export function startLoadMonitor(o: { policy: LoadPolicy; metrics: Metrics; log: { warn(obj: object, msg: string): void } }): LoadMonitor {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let inFlight = 0;
  let durations: number[] = [];
  let state: TierState = { tier: 0, calmSince: undefined };
  let last: LoadReading = { eventLoopDelayMs: 0, inFlight: 0, latencyMs: 0 };

  o.metrics.gauge('marquee_degradation_tier', `Degradation tier: ${TIER_NAMES.map((n, i) => `${i} ${n}`).join(', ')}`, [], (g) => g.set(state.tier));
  o.metrics.gauge('marquee_http_in_flight_requests', 'HTTP requests being served now', [], (g) => g.set(inFlight));

  const sample = () => {
    const sorted = durations.sort((a, b) => a - b);
    const previous = last;
    last = {
      eventLoopDelayMs: delay.percentile(99) / 1e6,
      inFlight,
      latencyMs: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! : 0,
    };
    durations = [];
    delay.reset();
    const next = nextTier(state, sustained(previous, last), o.policy, Date.now());
    if (next.tier !== state.tier) o.log.warn({ from: TIER_NAMES[state.tier], to: TIER_NAMES[next.tier], reading: last }, `degradation tier ${next.tier} (${TIER_NAMES[next.tier]})`);
    state = next;
  };
  const timer = setInterval(sample, SAMPLE_MS);
  timer.unref();

  return {
    tier: () => state.tier,
    reading: () => last,
    requestStarted() {
      inFlight++;
      let ended = false;
      return (durationMs) => {
        if (ended) return;
        ended = true;
        inFlight--;
        if (durations.length < 10_000) durations.push(durationMs);
      };
    },
    stop() {
      clearInterval(timer);
      delay.disable();
    },
  };
}
