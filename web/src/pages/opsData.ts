/** Shapes of GET /api/v1/admin/qoe and /api/v1/admin/resilience (server: modules/operations). */

export interface QoeBucket {
  start: number;
  sessions: number;
  ttffP50Ms: number | null;
  ttffP95Ms: number | null;
  rebufferRatio: number;
  rebuffersPerHour: number;
  avgBitrateKbps: number;
  bitrateSwitches: number;
  fatalErrors: number;
}

export interface QoeSummary {
  buckets: QoeBucket[];
  total: QoeBucket;
  errorsByType: { type: string; count: number }[];
}

export interface Breaker {
  name: string;
  state: 'closed' | 'open' | 'half_open';
  stats: { fires: number; failures: number; timeouts: number; rejects: number; fallbacks: number; semaphoreRejections: number; latencyMean: number };
}

export interface Resilience {
  tier: number;
  tierName: string;
  load: { eventLoopDelayMs: number; inFlight: number; latencyMs: number };
  breakers: Breaker[];
  chaos: { enabled: boolean; faults: { dependency: string; fault: { mode: string; delayMs?: number } }[] };
}
