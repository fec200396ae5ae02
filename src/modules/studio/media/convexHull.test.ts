import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildConvexHull, chooseLadder, type HullPoint, QUALITY_RULES } from './convexHull.ts';

const pt = (height: number, kbps: number, score: number, crf = 0): HullPoint => ({ width: Math.round((height * 16) / 9), height, crf, kbps, score });
const brief = (ps: HullPoint[]) => ps.map((p) => `${p.height}@${p.kbps}`);

/** A realistic three-size family: 240p wins below ~400 kbps, 480p up to ~1500, 720p above. */
const family: HullPoint[] = [
  pt(240, 150, 52),
  pt(240, 300, 64),
  pt(240, 600, 68),
  pt(240, 1200, 70),
  pt(480, 300, 55),
  pt(480, 600, 74),
  pt(480, 1200, 83),
  pt(480, 2400, 86),
  pt(720, 600, 66),
  pt(720, 1200, 83.5),
  pt(720, 2400, 92),
  pt(720, 4800, 96),
  pt(720, 9600, 96.5),
];

describe('buildConvexHull', () => {
  const cases: { name: string; points: HullPoint[]; hull: string[] }[] = [
    { name: 'empty', points: [], hull: [] },
    { name: 'one point', points: [pt(360, 500, 80)], hull: ['360@500'] },
    {
      name: 'a point beaten by a cheaper, better one is dropped',
      points: [pt(360, 500, 80), pt(240, 400, 82), pt(360, 1000, 90)],
      hull: ['240@400', '360@1000'],
    },
    {
      name: 'equal bitrate keeps the better score only',
      points: [pt(240, 500, 70), pt(360, 500, 75)],
      hull: ['360@500'],
    },
    {
      name: 'a point under the chord of its neighbours is dropped (concave in log bitrate)',
      points: [pt(360, 250, 60), pt(360, 500, 65), pt(360, 1000, 80)],
      hull: ['360@250', '360@1000'],
    },
    {
      name: 'resolution switch points: small sizes at low rates, larger ones as bits grow',
      points: family,
      hull: ['240@150', '240@300', '480@600', '720@1200', '720@2400', '720@4800', '720@9600'],
    },
    {
      name: 'zero or broken measurements are ignored',
      points: [pt(360, 0, 50), pt(360, 500, Number.NaN), pt(360, 800, 85)],
      hull: ['360@800'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(brief(buildConvexHull(c.points)), c.hull));
  }

  test('scores rise and gains per doubling fall along the hull', () => {
    const hull = buildConvexHull(family);
    for (let i = 1; i < hull.length; i++) assert.ok(hull[i]!.score > hull[i - 1]!.score);
    const slopes = hull.slice(1).map((p, i) => (p.score - hull[i]!.score) / Math.log2(p.kbps / hull[i]!.kbps));
    for (let i = 1; i < slopes.length; i++) assert.ok(slopes[i]! <= slopes[i - 1]! + 1e-9, `slope ${i}`);
  });
});

describe('chooseLadder', () => {
  const rules = QUALITY_RULES.vmaf;
  const cases: { name: string; hull: HullPoint[]; rungs: string[] }[] = [
    { name: 'empty hull, no rungs', hull: [], rungs: [] },
    {
      name: 'top capped at the first point reaching VMAF 95; spaced by ratio and score; cheapest at the bottom',
      hull: buildConvexHull(family),
      rungs: ['720@4800', '720@2400', '720@1200', '480@600', '240@300', '240@150'],
    },
    {
      name: 'top capped where +20% bits buy less than 1 VMAF',
      // 1000->2000 kbps (3.8 steps of +20%) buys 2 VMAF: flat.
      hull: [pt(360, 250, 60), pt(360, 500, 75), pt(720, 1000, 86), pt(720, 2000, 88)],
      rungs: ['720@1000', '360@500', '360@250'],
    },
    {
      name: 'a point too close in score to the rung above is skipped',
      hull: [pt(240, 200, 50), pt(360, 400, 78), pt(480, 600, 86), pt(720, 900, 90)],
      rungs: ['720@900', '360@400', '240@200'],
    },
    {
      name: 'but not when skipping it would leave a gap wider than maxBitrateRatio',
      hull: [pt(240, 100, 63), pt(360, 480, 91.4), pt(360, 935, 97.2)],
      rungs: ['360@935', '360@480', '240@100'],
    },
    {
      name: 'a point too close in bitrate to the rung above is skipped',
      hull: [pt(240, 200, 40), pt(360, 1000, 70), pt(480, 1300, 80), pt(720, 1600, 90)],
      rungs: ['720@1600', '360@1000', '240@200'],
    },
    {
      name: 'the cheapest point replaces a bottom rung it is too close to',
      hull: [pt(240, 300, 60), pt(360, 400, 68), pt(720, 1000, 90)],
      rungs: ['720@1000', '240@300'],
    },
    { name: 'one point is a one-rung ladder', hull: [pt(360, 500, 80)], rungs: ['360@500'] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(brief(chooseLadder(c.hull, rules)), c.rungs));
  }

  test('adjacent rungs keep the spacing rules, and never exceed maxRungs', () => {
    const dense = buildConvexHull(Array.from({ length: 40 }, (_, i) => pt(720, Math.round(100 * 1.15 ** i), 100 - 60 * 0.9 ** i)));
    for (const maxRungs of [3, 6]) {
      const rungs = chooseLadder(dense, { ...rules, maxRungs });
      assert.ok(rungs.length <= maxRungs && rungs.length >= 2);
      for (let i = 1; i < rungs.length; i++) {
        const ratio = rungs[i - 1]!.kbps / rungs[i]!.kbps;
        assert.ok(ratio >= rules.minBitrateRatio);
        assert.ok(rungs[i - 1]!.score - rungs[i]!.score >= rules.minScoreStep || ratio <= rules.maxBitrateRatio);
      }
      assert.equal(rungs.at(-1), dense[0]);
    }
  });
});
