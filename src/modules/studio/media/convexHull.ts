/**
 * Per-title ladders from measured rate-quality points. Pure: no I/O, table-tested.
 *
 * Trial encodes of a title's samples at several sizes and quality levels give points
 * (bitrate, score). No single size is best at every bitrate: small frames win when bits are
 * scarce, large frames once there are bits to fill them. The upper convex hull over all sizes
 * is the best quality reachable at each bitrate, and the ladder's rungs are picked from it.
 * Scores are VMAF (0-100) or, without a VMAF model, PSNR in dB; QUALITY_RULES holds the
 * spacing rules for each.
 */

export type QualityMetric = 'vmaf' | 'psnr';

/** One trial encode: a frame size and quality level, the bitrate it took and the score it got. */
export interface HullPoint {
  width: number;
  height: number;
  /** x264 CRF of the trial. */
  crf: number;
  kbps: number;
  score: number;
}

export interface LadderRules {
  /** Quality at which the top rung stops: more bits cannot buy visibly more (VMAF 95 ~ transparent). */
  topScore: number;
  /** Below this gain per +20% bits the curve has flattened and the top rung stops too. */
  minGainPer20Pct: number;
  /** Adjacent rungs differ at least this much in bitrate (ratio)... */
  minBitrateRatio: number;
  /** ...and in score, so each step down is one a viewer could notice and a network needs... */
  minScoreStep: number;
  /** ...unless that leaves a gap wider than this ratio, which ABR cannot step across smoothly. */
  maxBitrateRatio: number;
  maxRungs: number;
  /** placeRungs: the bottom rung is the cheapest hull point at least this good (below it a picture is not worth sending)... */
  bottomScore: number;
  /** ...and rungs between the top and the bottom sit about this bitrate ratio apart. */
  targetBitrateRatio: number;
}

export const QUALITY_RULES: Readonly<Record<QualityMetric, LadderRules>> = Object.freeze({
  // VMAF 30 is between "bad" (20) and "poor" (40) on the scale VMAF was trained on.
  vmaf: { topScore: 95, minGainPer20Pct: 1, minBitrateRatio: 1.5, minScoreStep: 6, maxBitrateRatio: 2.5, maxRungs: 6, bottomScore: 30, targetBitrateRatio: 1.8 },
  // Roughly the same perceptual steps on the dB scale: ~45 dB is transparent for 8-bit video.
  psnr: { topScore: 45, minGainPer20Pct: 0.25, minBitrateRatio: 1.5, minScoreStep: 1.5, maxBitrateRatio: 2.5, maxRungs: 6, bottomScore: 30, targetBitrateRatio: 1.8 },
});

/**
 * The upper-left hull: points no other point beats (lower or equal bitrate with a higher or
 * equal score), then only those on the concave envelope in (log bitrate, score), so every
 * step up the hull buys less quality per doubling of bits than the one before.
 */
export function buildConvexHull(points: readonly HullPoint[]): HullPoint[] {
  const valid = points.filter((p) => p.kbps > 0 && Number.isFinite(p.kbps) && Number.isFinite(p.score));
  const sorted = [...valid].sort((a, b) => a.kbps - b.kbps || b.score - a.score);
  const pareto: HullPoint[] = [];
  for (const p of sorted) {
    if (pareto.length === 0 || p.score > pareto.at(-1)!.score) pareto.push(p);
  }
  const hull: HullPoint[] = [];
  for (const p of pareto) {
    while (hull.length >= 2 && !isBelowChord(hull.at(-2)!, hull.at(-1)!, p)) hull.pop();
    hull.push(p);
  }
  return hull;
}

/** True when `b` lies strictly above the straight line from `a` to `c` (log bitrate on x). */
function isBelowChord(a: HullPoint, b: HullPoint, c: HullPoint): boolean {
  const ax = Math.log(a.kbps);
  const bx = Math.log(b.kbps);
  const cx = Math.log(c.kbps);
  const cross = (bx - ax) * (c.score - a.score) - (b.score - a.score) * (cx - ax);
  return cross < 0;
}

/**
 * Picks rungs from a hull, highest first. The top is the first hull point at `topScore`, or
 * where the next step up gains less than `minGainPer20Pct` per +20% bits; each rung below is
 * the best hull point at least `minBitrateRatio` cheaper and `minScoreStep` worse than the one
 * above, or, when that one is more than `maxBitrateRatio` cheaper, the cheapest point within
 * that ratio; the cheapest hull point always ends the ladder, for the worst networks.
 */
export function chooseLadder(hull: readonly HullPoint[], rules: LadderRules = QUALITY_RULES.vmaf): HullPoint[] {
  const points = [...hull].sort((a, b) => a.kbps - b.kbps);
  if (points.length === 0) return [];
  const top = topIndex(points, rules);
  const rungs = [points[top]!];
  for (;;) {
    const above = rungs.at(-1)!;
    if (rungs.length >= rules.maxRungs - 1) break;
    const candidates = points.filter((p) => p.kbps * rules.minBitrateRatio <= above.kbps);
    const spaced = candidates.filter((p) => p.score <= above.score - rules.minScoreStep).at(-1);
    const near = candidates.find((p) => p.kbps * rules.maxBitrateRatio >= above.kbps);
    const next = spaced && spaced.kbps * rules.maxBitrateRatio < above.kbps && near ? near : (spaced ?? near);
    if (!next) break;
    rungs.push(next);
  }
  const cheapest = points[0]!;
  const bottom = rungs.at(-1)!;
  if (bottom !== cheapest) {
    // The bottom rung is for the worst networks: it must be the cheapest point measured.
    if (cheapest.kbps * rules.minBitrateRatio <= bottom.kbps && rungs.length < rules.maxRungs) rungs.push(cheapest);
    else if (rungs.length > 1) rungs[rungs.length - 1] = cheapest;
    else rungs.push(cheapest);
  }
  return rungs;
}

/** Index of the top rung in hull points sorted by bitrate: the first at `topScore`, or where the curve flattens. */
function topIndex(points: readonly HullPoint[], rules: LadderRules): number {
  let top = points.findIndex((p) => p.score >= rules.topScore);
  if (top < 0) top = points.length - 1;
  for (let i = 0; i < top; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const gainPer20Pct = (b.score - a.score) / (Math.log(b.kbps / a.kbps) / Math.log(1.2));
    if (gainPer20Pct < rules.minGainPer20Pct) return i;
  }
  return top;
}

/**
 * Rungs placed along the rate-quality curves rather than only on trial points. The trials are
 * a coarse grid (CRF steps of 6, about 2x bitrate each), so rungs picked from trial points alone
 * (chooseLadder) end up 2-2.5x apart, and the cheapest point often sits far below watchable
 * quality (VMAF under 10), spending a ladder slot on it.
 *
 * The top is chosen as chooseLadder does; the bottom is the cheapest hull point scoring at least
 * `bottomScore` (the cheapest point when none does); between them rungs sit at even bitrate
 * ratios near `targetBitrateRatio` (at least `minBitrateRatio`, at most `maxRungs` rungs). Each
 * one takes the frame size whose own curve (its trials, joined linearly in log bitrate) scores
 * best at that bitrate, at the whole CRF nearest to that bitrate; its kbps and score are then
 * estimated on that size's curve. Highest rung first, like chooseLadder.
 */
export function placeRungs(points: readonly HullPoint[], rules: LadderRules = QUALITY_RULES.vmaf): HullPoint[] {
  const hull = buildConvexHull(points).sort((a, b) => a.kbps - b.kbps);
  if (hull.length === 0) return [];
  const top = hull[topIndex(hull, rules)]!;
  const bottom = hull.find((p) => p.score >= rules.bottomScore && p.kbps <= top.kbps) ?? hull[0]!;
  if (bottom === top) return [top];
  const span = top.kbps / bottom.kbps;
  let gaps = Math.min(rules.maxRungs - 1, Math.max(1, Math.ceil(Math.log(span) / Math.log(rules.targetBitrateRatio))));
  while (gaps > 1 && span ** (1 / gaps) < rules.minBitrateRatio) gaps--;
  const curves = sizeCurves(points);
  const rungs: HullPoint[] = [top];
  for (let i = gaps - 1; i >= 1; i--) {
    const rung = bestAtBitrate(curves, bottom.kbps * span ** (i / gaps));
    const above = rungs.at(-1)!;
    if (rung && rung.kbps < above.kbps && rung.score < above.score && rung.kbps > bottom.kbps && rung.score > bottom.score) rungs.push(rung);
  }
  rungs.push(bottom);
  return rungs;
}

/** Each frame size's trials, by bitrate, without points that another trial of that size beats. */
function sizeCurves(points: readonly HullPoint[]): HullPoint[][] {
  const bySize = new Map<string, HullPoint[]>();
  for (const p of points) {
    if (!(p.kbps > 0 && Number.isFinite(p.kbps) && Number.isFinite(p.score))) continue;
    const key = `${p.width}x${p.height}`;
    bySize.set(key, [...(bySize.get(key) ?? []), p]);
  }
  return [...bySize.values()].map((ps) => {
    const sorted = ps.sort((a, b) => a.kbps - b.kbps);
    const curve: HullPoint[] = [];
    for (const p of sorted) if (curve.length === 0 || p.score > curve.at(-1)!.score) curve.push(p);
    return curve;
  });
}

/** The best size at `kbps` (within the bitrates its trials cover), at the whole CRF nearest to it. */
function bestAtBitrate(curves: readonly HullPoint[][], kbps: number): HullPoint | undefined {
  let best: HullPoint | undefined;
  for (const curve of curves) {
    const at = alongCurve(curve, (p) => Math.log(p.kbps), Math.log(kbps));
    if (!at || (best && best.score >= at.score)) continue;
    // Round the CRF, then read bitrate and score back off the curve at that CRF.
    const crf = Math.round(at.crf);
    best = crf === at.crf ? at : (alongCurve(curve, (p) => -p.crf, -crf) ?? at);
  }
  return best;
}

/** The point of `curve` where `x` (increasing along it) equals `value`, interpolated linearly in x; undefined outside it. */
function alongCurve(curve: readonly HullPoint[], x: (p: HullPoint) => number, value: number): HullPoint | undefined {
  for (let i = 0; i + 1 < curve.length; i++) {
    const a = curve[i]!;
    const b = curve[i + 1]!;
    if (value < x(a) || value > x(b) || x(b) === x(a)) continue;
    const t = (value - x(a)) / (x(b) - x(a));
    const lerp = (u: number, v: number) => u + (v - u) * t;
    return { width: a.width, height: a.height, crf: lerp(a.crf, b.crf), kbps: Math.round(Math.exp(lerp(Math.log(a.kbps), Math.log(b.kbps))) * 10) / 10, score: Math.round(lerp(a.score, b.score) * 100) / 100 };
  }
  const only = curve.length === 1 ? curve[0]! : undefined;
  return only && x(only) === value ? only : undefined;
}
