/** Player quality-of-experience reports, summarised for the operations page. Pure. */

export interface QoeReport {
  reportedAt: number; // epoch ms
  ttffMs: number | null;
  rebufferCount: number;
  rebufferMs: number;
  playedMs: number;
  bitrateSwitches: number;
  avgBitrateKbps: number;
  fatalError: string | null;
}

export interface QoeBucket {
  start: number;
  sessions: number;
  ttffP50Ms: number | null;
  ttffP95Ms: number | null;
  /** Share of watching time spent stalled: rebuffer / (played + rebuffer). */
  rebufferRatio: number;
  /** Stalls per hour of viewing. */
  rebuffersPerHour: number;
  /** Bitrate weighted by time played. */
  avgBitrateKbps: number;
  bitrateSwitches: number;
  fatalErrors: number;
}

export interface QoeSummary {
  buckets: QoeBucket[];
  total: QoeBucket;
  errorsByType: { type: string; count: number }[];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function bucketOf(start: number, reports: readonly QoeReport[]): QoeBucket {
  const ttff = reports.flatMap((r) => (r.ttffMs === null ? [] : [r.ttffMs])).sort((a, b) => a - b);
  const played = reports.reduce((s, r) => s + r.playedMs, 0);
  const stalled = reports.reduce((s, r) => s + r.rebufferMs, 0);
  return {
    start,
    sessions: reports.length,
    ttffP50Ms: percentile(ttff, 50),
    ttffP95Ms: percentile(ttff, 95),
    rebufferRatio: played + stalled > 0 ? stalled / (played + stalled) : 0,
    rebuffersPerHour: played > 0 ? reports.reduce((s, r) => s + r.rebufferCount, 0) / (played / 3_600_000) : 0,
    avgBitrateKbps: played > 0 ? Math.round(reports.reduce((s, r) => s + r.avgBitrateKbps * r.playedMs, 0) / played) : 0,
    bitrateSwitches: reports.reduce((s, r) => s + r.bitrateSwitches, 0),
    fatalErrors: reports.filter((r) => r.fatalError !== null).length,
  };
}

/** Buckets of `bucketMs` from `from` to `to` (empty buckets included, so charts show gaps). */
export function summariseQoe(reports: readonly QoeReport[], from: number, to: number, bucketMs: number): QoeSummary {
  const first = Math.floor(from / bucketMs) * bucketMs;
  const groups = new Map<number, QoeReport[]>();
  for (let start = first; start < to; start += bucketMs) groups.set(start, []);
  const inRange = reports.filter((r) => r.reportedAt >= from && r.reportedAt < to);
  for (const r of inRange) groups.get(Math.floor(r.reportedAt / bucketMs) * bucketMs)?.push(r);
  const errors = new Map<string, number>();
  for (const r of inRange) if (r.fatalError) errors.set(r.fatalError, (errors.get(r.fatalError) ?? 0) + 1);
  return {
    buckets: [...groups].map(([start, rs]) => bucketOf(start, rs)),
    total: bucketOf(first, inRange),
    errorsByType: [...errors].map(([type, count]) => ({ type, count })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
  };
}
