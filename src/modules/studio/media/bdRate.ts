/**
 * Bjøntegaard delta rate (BD-rate): how many more (or, negative, fewer) bits one rate-quality
 * curve needs than another for the same quality, averaged over the quality range both cover.
 * Pure: no I/O, table-tested.
 *
 * Method as in the current reference (piecewise cubic rather than the original single cubic
 * polynomial): log10(bitrate) is interpolated as a function of quality with a monotone
 * piecewise cubic Hermite (PCHIP, Fritsch-Carlson slopes), both curves are integrated exactly
 * over the overlapping quality interval, and the mean log difference is turned into a percent.
 */

export interface RatePoint {
  kbps: number;
  /** VMAF (or any quality score where higher is better). */
  score: number;
}

export interface BdRate {
  /** Percent bits of `test` relative to `anchor` at equal quality: -20 means 20% fewer bits. */
  percent: number;
  /** The quality interval both curves cover, over which the difference is averaged. */
  scoreRange: [number, number];
}

/**
 * BD-rate of `test` against `anchor`, or null when their quality ranges do not overlap (no
 * equal-quality comparison exists). Each curve needs at least two usable points.
 */
export function bdRate(anchor: readonly RatePoint[], test: readonly RatePoint[]): BdRate | null {
  const a = rateCurve(anchor, 'anchor');
  const t = rateCurve(test, 'test');
  const lo = Math.max(a[0]!.score, t[0]!.score);
  const hi = Math.min(a.at(-1)!.score, t.at(-1)!.score);
  if (!(hi > lo)) return null;
  const meanLogDiff = (integrate(t, lo, hi) - integrate(a, lo, hi)) / (hi - lo);
  return { percent: (10 ** meanLogDiff - 1) * 100, scoreRange: [lo, hi] };
}

interface CurvePoint {
  score: number;
  logRate: number;
}

/**
 * The curve's points in rising quality. A point that another beats (no more bits for at
 * least its quality) is dropped: no encoder would offer it, and the interpolation needs
 * quality to rise strictly along the curve.
 */
function rateCurve(points: readonly RatePoint[], name: string): CurvePoint[] {
  const valid = points.filter((p) => p.kbps > 0 && Number.isFinite(p.kbps) && Number.isFinite(p.score));
  const byRate = [...valid].sort((x, y) => x.kbps - y.kbps || y.score - x.score);
  const efficient: RatePoint[] = [];
  for (const p of byRate) if (efficient.length === 0 || p.score > efficient.at(-1)!.score) efficient.push(p);
  if (efficient.length < 2) throw new RangeError(`the ${name} curve needs at least two points of different quality, got ${efficient.length}`);
  return efficient.map((p) => ({ score: p.score, logRate: Math.log10(p.kbps) }));
}

/** PCHIP slopes (Fritsch-Carlson, as in MATLAB pchip / SciPy PchipInterpolator). */
function slopes(c: readonly CurvePoint[]): number[] {
  const n = c.length;
  const h = c.slice(1).map((p, i) => p.score - c[i]!.score);
  const delta = c.slice(1).map((p, i) => (p.logRate - c[i]!.logRate) / h[i]!);
  if (n === 2) return [delta[0]!, delta[0]!];
  const d = new Array<number>(n).fill(0);
  for (let k = 1; k < n - 1; k++) {
    const d0 = delta[k - 1]!;
    const d1 = delta[k]!;
    if (d0 * d1 <= 0) continue;
    const w1 = 2 * h[k]! + h[k - 1]!;
    const w2 = h[k]! + 2 * h[k - 1]!;
    d[k] = (w1 + w2) / (w1 / d0 + w2 / d1);
  }
  d[0] = endSlope(h[0]!, h[1]!, delta[0]!, delta[1]!);
  d[n - 1] = endSlope(h[n - 2]!, h[n - 3]!, delta[n - 2]!, delta[n - 3]!);
  return d;
}

/** One-sided three-point slope at an end, kept from overshooting (shape-preserving). */
function endSlope(h0: number, h1: number, delta0: number, delta1: number): number {
  const d = ((2 * h0 + h1) * delta0 - h0 * delta1) / (h0 + h1);
  if (Math.sign(d) !== Math.sign(delta0)) return 0;
  if (Math.sign(delta0) !== Math.sign(delta1) && Math.abs(d) > Math.abs(3 * delta0)) return 3 * delta0;
  return d;
}

/** Exact integral of the curve's piecewise cubic over [lo, hi] (within its range). */
function integrate(c: readonly CurvePoint[], lo: number, hi: number): number {
  const d = slopes(c);
  let total = 0;
  for (let k = 0; k + 1 < c.length; k++) {
    const x0 = c[k]!.score;
    const x1 = c[k + 1]!.score;
    const from = Math.max(lo, x0);
    const to = Math.min(hi, x1);
    if (to <= from) continue;
    // On this segment, with x = score - x0: y = y0 + d0 x + c2 x^2 + c3 x^3.
    const h = x1 - x0;
    const y0 = c[k]!.logRate;
    const slope = (c[k + 1]!.logRate - y0) / h;
    const c2 = (3 * slope - 2 * d[k]! - d[k + 1]!) / h;
    const c3 = (d[k]! + d[k + 1]! - 2 * slope) / (h * h);
    const antiderivative = (x: number) => y0 * x + (d[k]! * x ** 2) / 2 + (c2 * x ** 3) / 3 + (c3 * x ** 4) / 4;
    total += antiderivative(to - x0) - antiderivative(from - x0);
  }
  return total;
}
