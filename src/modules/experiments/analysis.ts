import { type Comparison, type SampleRatioCheck, type Summary, cuped, sampleRatioCheck, summarize, twoProportion, welch } from './stats.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** CUPED covariate: the same metric over this many days before the unit's first exposure. */
export const PRE_PERIOD_DAYS = 14;
/** "Returned": a play start at least this long after exposure (a new visit, not the same sitting)... */
export const RETURN_MIN_GAP_MS = HOUR;
/** ...and within this long. */
export const RETURN_WINDOW_MS = 7 * DAY;

export interface SessionEvent {
  startedAt: number;
  lastSeenAt: number;
}

export interface ProgressEvent {
  updatedAt: number;
  finished: boolean;
}

export interface UnitMetrics {
  variant: string;
  playStarts: number;
  hoursStreamed: number;
  videosStarted: number;
  videosFinished: number;
  returned: boolean;
  pre: { playStarts: number; hoursStreamed: number };
}

/**
 * One unit's metrics from its viewing events, counted from its first exposure up to `end`.
 * Hours streamed are session wall time (start to last heartbeat); completion counts the videos
 * whose progress moved after exposure and whether they reached the end.
 */
export function unitMetrics(variant: string, exposedAt: number, end: number, sessions: readonly SessionEvent[], progress: readonly ProgressEvent[]): UnitMetrics {
  const m: UnitMetrics = { variant, playStarts: 0, hoursStreamed: 0, videosStarted: 0, videosFinished: 0, returned: false, pre: { playStarts: 0, hoursStreamed: 0 } };
  const preFrom = exposedAt - PRE_PERIOD_DAYS * DAY;
  for (const s of sessions) {
    const hours = Math.max(0, s.lastSeenAt - s.startedAt) / HOUR;
    if (s.startedAt >= exposedAt && s.startedAt <= end) {
      m.playStarts++;
      m.hoursStreamed += hours;
      const gap = s.startedAt - exposedAt;
      if (gap >= RETURN_MIN_GAP_MS && gap <= RETURN_WINDOW_MS) m.returned = true;
    } else if (s.startedAt >= preFrom && s.startedAt < exposedAt) {
      m.pre.playStarts++;
      m.pre.hoursStreamed += hours;
    }
  }
  for (const p of progress) {
    if (p.updatedAt < exposedAt || p.updatedAt > end) continue;
    m.videosStarted++;
    if (p.finished) m.videosFinished++;
  }
  return m;
}

export const METRICS = [
  { id: 'play_starts', label: 'Play starts per member', kind: 'mean' },
  { id: 'hours_streamed', label: 'Hours streamed per member', kind: 'mean' },
  { id: 'completion_rate', label: 'Completion rate (videos finished / started)', kind: 'rate' },
  { id: 'retention_7d', label: 'Returned within 7 days', kind: 'rate' },
] as const;
export type MetricId = (typeof METRICS)[number]['id'];

export interface VariantMetric {
  variant: string;
  /** Units (mean metrics) or trials (rate metrics: videos started, or units). */
  n: number;
  mean: number;
  variance: number;
  /** Against control; null on the control row. */
  lift: Comparison | null;
  /** CUPED-adjusted (mean metrics only). */
  cuped: { mean: number; variance: number; lift: Comparison | null } | null;
}

export interface MetricResult {
  metric: MetricId;
  label: string;
  kind: 'mean' | 'rate';
  test: 'welch' | 'two_proportion';
  variants: VariantMetric[];
  /** CUPED: share of variance removed by the pre-period covariate (mean metrics). */
  varianceReduction: number | null;
  cupedTheta: number | null;
}

export interface Analysis {
  units: number;
  variants: { key: string; weight: number; units: number; share: number }[];
  srm: SampleRatioCheck;
  metrics: MetricResult[];
}

/** CUPED's gain where the tests feel it: pooled within-variant variance, adjusted against raw. */
function withinReduction(raw: Summary[], adjusted: Summary[]): number | null {
  const pooled = (xs: Summary[]) => xs.reduce((a, s) => a + Math.max(0, s.n - 1) * s.variance, 0);
  const before = pooled(raw);
  return before > 0 ? 1 - pooled(adjusted) / before : null;
}

/** Per-variant analysis against the first (control) variant. Pure. */
export function analyse(variants: readonly { key: string; weight: number }[], units: readonly UnitMetrics[], alpha = 0.05): Analysis {
  const byVariant = new Map(variants.map((v) => [v.key, [] as number[]]));
  units.forEach((u, i) => byVariant.get(u.variant)?.push(i));
  const counts = variants.map((v) => byVariant.get(v.key)!.length);
  const total = counts.reduce((a, b) => a + b, 0);
  const srm = sampleRatioCheck(counts, variants.map((v) => v.weight));

  const meanMetric = (metric: MetricId, label: string, value: (u: UnitMetrics) => number, pre: (u: UnitMetrics) => number): MetricResult => {
    const y = units.map(value);
    const adj = cuped(y, units.map(pre));
    const raw = variants.map((v) => summarize(byVariant.get(v.key)!.map((i) => y[i]!)));
    const adjusted = variants.map((v) => summarize(byVariant.get(v.key)!.map((i) => adj.adjusted[i]!)));
    return {
      metric,
      label,
      kind: 'mean',
      test: 'welch',
      variants: variants.map((v, k) => ({
        variant: v.key,
        n: raw[k]!.n,
        mean: raw[k]!.mean,
        variance: raw[k]!.variance,
        lift: k === 0 ? null : welch(raw[0]!, raw[k]!, alpha),
        cuped: { mean: adjusted[k]!.mean, variance: adjusted[k]!.variance, lift: k === 0 ? null : welch(adjusted[0]!, adjusted[k]!, alpha) },
      })),
      varianceReduction: withinReduction(raw, adjusted),
      cupedTheta: adj.theta,
    };
  };

  const rateMetric = (metric: MetricId, label: string, count: (idx: number[]) => { successes: number; trials: number }): MetricResult => {
    const props = variants.map((v) => count(byVariant.get(v.key)!));
    return {
      metric,
      label,
      kind: 'rate',
      test: 'two_proportion',
      variants: variants.map((v, k) => {
        const p = props[k]!;
        const mean = p.trials ? p.successes / p.trials : 0;
        const s: Summary = { n: p.trials, mean, variance: mean * (1 - mean) };
        return { variant: v.key, n: s.n, mean: s.mean, variance: s.variance, lift: k === 0 ? null : twoProportion(props[0]!, p, alpha), cuped: null };
      }),
      varianceReduction: null,
      cupedTheta: null,
    };
  };

  const sum = (idx: number[], f: (u: UnitMetrics) => number) => idx.reduce((a, i) => a + f(units[i]!), 0);
  return {
    units: total,
    variants: variants.map((v, k) => ({ key: v.key, weight: v.weight, units: counts[k]!, share: total ? counts[k]! / total : 0 })),
    srm,
    metrics: [
      meanMetric('play_starts', METRICS[0].label, (u) => u.playStarts, (u) => u.pre.playStarts),
      meanMetric('hours_streamed', METRICS[1].label, (u) => u.hoursStreamed, (u) => u.pre.hoursStreamed),
      rateMetric('completion_rate', METRICS[2].label, (idx) => ({ successes: sum(idx, (u) => u.videosFinished), trials: sum(idx, (u) => u.videosStarted) })),
      rateMetric('retention_7d', METRICS[3].label, (idx) => ({ successes: sum(idx, (u) => (u.returned ? 1 : 0)), trials: idx.length })),
    ],
  };
}
