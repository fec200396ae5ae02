import { session } from '../session';

// Shapes of /api/v1/experiments and /api/v1/experiments/:id/results, as the results page reads them.

export interface Variant {
  key: string;
  name: string;
  weight: number;
  config: Record<string, unknown>;
}

export interface Experiment {
  id: string;
  key: string;
  name: string;
  description: string;
  status: 'draft' | 'running' | 'paused' | 'completed';
  unit: 'profile' | 'account';
  allocation: number;
  variants: Variant[];
  targeting: { type: string; values: string[]; include: boolean }[];
  layer: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

export interface Comparison {
  absolute: number;
  absoluteCi: [number, number] | null;
  relative: number | null;
  relativeCi: [number, number] | null;
  statistic: number | null;
  df: number | null;
  pValue: number | null;
}

export interface VariantMetric {
  variant: string;
  n: number;
  mean: number;
  variance: number;
  lift: Comparison | null;
  cuped: { mean: number; variance: number; lift: Comparison | null } | null;
}

export interface MetricResult {
  metric: string;
  label: string;
  kind: 'mean' | 'rate';
  test: 'welch' | 'two_proportion';
  variants: VariantMetric[];
  varianceReduction: number | null;
}

export interface Results {
  experiment: Experiment;
  window: { from: string | null; to: string };
  analysis: {
    units: number;
    variants: { key: string; weight: number; units: number; share: number }[];
    srm: { chiSquare: number; df: number; pValue: number; mismatch: boolean };
    metrics: MetricResult[];
  };
}

/** The role claim of the stored token (display only: the API checks it on every call). */
export function isAdmin(): boolean {
  const s = session.get();
  const token = s.profileToken ?? s.accountToken;
  try {
    const payload = JSON.parse(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { role?: string };
    return payload.role === 'admin';
  } catch {
    return false;
  }
}

/** 95% interval of a variant's own mean (normal approximation), for the chart's error bars. */
export function meanInterval(v: VariantMetric): [number, number] | null {
  if (v.n < 2) return null;
  const half = 1.959964 * Math.sqrt(v.variance / v.n);
  return [v.mean - half, v.mean + half];
}

export const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`);
export const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? '–' : Number(x.toPrecision(digits + 2)).toString());
export const pValue = (p: number | null | undefined): string => (p === null || p === undefined ? '–' : p < 0.0001 ? '<0.0001' : p.toFixed(4));
