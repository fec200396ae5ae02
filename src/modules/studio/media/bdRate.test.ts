import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bdRate, type RatePoint } from './bdRate.ts';

const curve = (pairs: [kbps: number, score: number][]): RatePoint[] => pairs.map(([kbps, score]) => ({ kbps, score }));
const scaled = (c: RatePoint[], factor: number) => c.map((p) => ({ kbps: p.kbps * factor, score: p.score }));

/** A fixed-ladder-like curve: six rungs, quality flattening towards the top. */
const ladder = curve([[200, 40.1], [400, 58.3], [800, 72], [1400, 81.5], [2800, 90.2], [5000, 94.1]]);

describe('bdRate', () => {
  const cases: { name: string; anchor: RatePoint[]; test: RatePoint[]; percent: number; range: [number, number] }[] = [
    { name: 'identical curves', anchor: ladder, test: ladder, percent: 0, range: [40.1, 94.1] },
    { name: 'every rate x0.8', anchor: ladder, test: scaled(ladder, 0.8), percent: -20, range: [40.1, 94.1] },
    { name: 'every rate x1.25', anchor: ladder, test: scaled(ladder, 1.25), percent: 25, range: [40.1, 94.1] },
    // On two points log10(rate) is a straight line: its mean over 80..90 is the log of the geometric
    // mean, 2000 for the anchor and 500·√2 for the test, so the test needs √2/4 of the bits.
    { name: 'two points each (hand computed)', anchor: curve([[1000, 80], [4000, 90]]), test: curve([[500, 80], [1000, 90]]), percent: (Math.SQRT2 / 4 - 1) * 100, range: [80, 90] },
    // Overlap 80..90: the test is 0.8/2 = 0.4 of the anchor everywhere in it.
    { name: 'partial overlap (hand computed)', anchor: curve([[500, 70], [2000, 90]]), test: curve([[400, 80], [1600, 100]]), percent: -60, range: [80, 90] },
    { name: 'order of the points does not matter', anchor: [...ladder].reverse(), test: scaled(ladder, 0.5), percent: -50, range: [40.1, 94.1] },
    // Reference values from SciPy's PchipInterpolator (integrate over the overlap, same formula).
    { name: 'per-title against fixed (SciPy PCHIP reference)', anchor: ladder, test: curve([[150, 45], [320, 62], [700, 78.5], [1500, 88.9], [3100, 94.6]]), percent: -36.46731435812558, range: [45, 94.1] },
    {
      name: 'four-point PSNR curves (SciPy PCHIP reference)',
      anchor: curve([[9487.76, 40.466], [4593.6, 38.066], [2486.44, 35.554], [1358.12, 33.146]]),
      test: curve([[9787.8, 40.878], [4774.83, 38.476], [2584.45, 35.933], [1400.26, 33.452]]),
      percent: -6.259375126628508,
      range: [33.452, 40.466],
    },
    {
      name: 'a point another beats (more bits, lower score) is dropped',
      anchor: ladder,
      test: [...scaled(ladder, 0.8), { kbps: 3000, score: 60 }],
      percent: -20,
      range: [40.1, 94.1],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const result = bdRate(c.anchor, c.test);
      assert.ok(result);
      assert.ok(Math.abs(result.percent - c.percent) < 1e-6, `${result.percent} ≠ ${c.percent}`);
      assert.deepEqual(result.scoreRange, c.range);
    });
  }

  test('no quality in common: null', () => {
    assert.equal(bdRate(curve([[100, 30], [200, 40]]), curve([[300, 50], [600, 60]])), null);
  });

  test('curves touching at one score: null', () => {
    assert.equal(bdRate(curve([[100, 30], [200, 40]]), curve([[300, 40], [600, 60]])), null);
  });

  const bad: { name: string; points: RatePoint[] }[] = [
    { name: 'one point', points: curve([[500, 80]]) },
    { name: 'two points of the same score', points: curve([[500, 80], [900, 80]]) },
    { name: 'zero and non-finite rates', points: curve([[0, 70], [Number.NaN, 80], [500, 90]]) },
  ];
  for (const c of bad) {
    test(`rejects a curve with ${c.name}`, () => {
      assert.throws(() => bdRate(ladder, c.points), RangeError);
    });
  }
});
