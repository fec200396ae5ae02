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
}

export const QUALITY_RULES: Readonly<Record<QualityMetric, LadderRules>> = Object.freeze({
  vmaf: { topScore: 95, minGainPer20Pct: 1, minBitrateRatio: 1.5, minScoreStep: 6, maxBitrateRatio: 2.5, maxRungs: 6 },
  // Roughly the same perceptual steps on the dB scale: ~45 dB is transparent for 8-bit video.
  psnr: { topScore: 45, minGainPer20Pct: 0.25, minBitrateRatio: 1.5, minScoreStep: 1.5, maxBitrateRatio: 2.5, maxRungs: 6 },
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

