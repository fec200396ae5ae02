import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  chiSquareSf,
  cuped,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  sampleRatioCheck,
  studentTCdf,
  studentTQuantile,
  studentTTwoSided,
  summarize,
  twoProportion,
  welch,
} from './stats.ts';

const close = (actual: number | null | undefined, expected: number, tol: number, what = '') =>
  assert.ok(actual !== null && actual !== undefined && Math.abs(actual - expected) <= tol, `${what} ${actual} is not within ${tol} of ${expected}`);

test('Student t quantiles match the printed table (two-sided 5%, one-sided 5%)', () => {
  const table: [df: number, p: number, t: number][] = [
    [1, 0.975, 12.706],
    [2, 0.975, 4.303],
    [5, 0.975, 2.571],
    [10, 0.975, 2.228],
    [30, 0.975, 2.042],
    [120, 0.975, 1.98],
    [10, 0.95, 1.812],
    [20, 0.995, 2.845],
  ];
  for (const [df, p, t] of table) {
    close(studentTQuantile(p, df), t, 0.0006, `t(${p}, ${df})`);
    close(studentTCdf(t, df), p, 0.0002, `cdf(${t}, ${df})`);
  }
  close(studentTTwoSided(2.228138851986274, 10), 0.05, 1e-8);
  close(studentTCdf(0, 3), 0.5, 1e-12);
  close(studentTCdf(-2.571, 5), 0.025, 0.0002);
  // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π.
  for (const t of [-3, -0.5, 0.7, 4]) close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-10);
});

test('regularized incomplete beta: closed forms', () => {
  close(regularizedBeta(0.3, 1, 1), 0.3, 1e-12); // uniform
  close(regularizedBeta(0.3, 2, 1), 0.09, 1e-12); // x^a
  close(regularizedBeta(0.3, 1, 3), 1 - 0.7 ** 3, 1e-12); // 1-(1-x)^b
  close(regularizedBeta(0.5, 4, 4), 0.5, 1e-12); // symmetry
});

test('normal and chi-square match table values', () => {
  close(normalCdf(1.959963984540054), 0.975, 1e-9);
  close(normalCdf(-1), 0.15865525393145707, 1e-9);
  close(normalQuantile(0.975), 1.959963984540054, 1e-8);
  close(normalQuantile(0.001), -3.090232306167813, 1e-8);
  close(chiSquareSf(3.841458820694124, 1), 0.05, 1e-8);
  close(chiSquareSf(5.991464547107979, 2), 0.05, 1e-8);
  close(chiSquareSf(10.827566170662733, 1), 0.001, 1e-9);
  close(chiSquareSf(16.26623619623813, 3), 0.001, 1e-9);
});

test('Welch on a small data set, computed by hand', () => {
  // control 1..5: mean 3, s² = 10/4 = 2.5; treatment 2,4,..,10: mean 6, s² = 40/4 = 10.
  const c = summarize([1, 2, 3, 4, 5]);
  const t = summarize([2, 4, 6, 8, 10]);
  assert.deepEqual(c, { n: 5, mean: 3, variance: 2.5 });
  assert.deepEqual(t, { n: 5, mean: 6, variance: 10 });
  const r = welch(c, t);
  // se = √(2.5/5 + 10/5) = √2.5 = 1.58114; t = 3 / 1.58114 = 1.89737
  // df = 2.5² / (0.5²/4 + 2²/4) = 6.25 / 1.0625 = 5.88235
  // t₀.₉₇₅(5.88235) = 2.45202 → CI 3 ± 2.45202·1.58114 = [-0.8877, 6.8877]; two-sided p = 0.10753
  close(r.statistic, 1.8973665961010275, 1e-12, 't');
  close(r.df, 100 / 17, 1e-12, 'df');
  close(r.absolute, 3, 1e-12);
  close(r.absoluteCi![0], -0.887741644, 1e-6, 'lo');
  close(r.absoluteCi![1], 6.887741644, 1e-6, 'hi');
  close(r.pValue, 0.107531195, 1e-6, 'p');
  // relative lift 6/3 - 1 = 100%; delta-method se = √(2/9 + 36·0.5/81) = √(4/9) = 0.6667 → ±1.95996·0.6667
  close(r.relative, 1, 1e-12);
  close(r.relativeCi![0], 1 - 1.959964 * (2 / 3), 1e-5);
  close(r.relativeCi![1], 1 + 1.959964 * (2 / 3), 1e-5);
});

test('two-proportion z-test, computed by hand', () => {
  // 100/1000 vs 130/1000: pooled p = 0.115, se = √(0.115·0.885·0.002) = 0.0142671; z = 0.03/0.0142671 = 2.10274
  const r = twoProportion({ successes: 100, trials: 1000 }, { successes: 130, trials: 1000 });
  close(r.absolute, 0.03, 1e-12);
  close(r.statistic, 2.102740605622114, 1e-9, 'z');
  close(r.pValue, 0.0354884505, 1e-8, 'p');
  // unpooled se = √(0.09/1000 + 0.1131/1000) = 0.0142513 → 0.03 ± 1.95996·0.0142513
  close(r.absoluteCi![0], 0.002067934, 1e-7);
  close(r.absoluteCi![1], 0.057932066, 1e-7);
  close(r.relative, 0.3, 1e-12);
});

test('degenerate inputs give nulls, not NaN', () => {
  const r = welch(summarize([1]), summarize([2, 3]));
  assert.equal(r.pValue, null);
  assert.equal(welch(summarize([1, 1]), summarize([1, 1])).pValue, null);
  assert.equal(twoProportion({ successes: 0, trials: 0 }, { successes: 1, trials: 2 }).pValue, null);
  assert.equal(welch(summarize([0, 0, 0]), summarize([1, 2, 3])).relative, null);
});

test('sample-ratio mismatch flags a skewed split and passes a fair one', () => {
  // (5200-5000)²/5000 · 2 = 16 → p = 6.334e-5
  const skewed = sampleRatioCheck([5200, 4800], [50, 50]);
  close(skewed.chiSquare, 16, 1e-12);
  close(skewed.pValue, 6.334248366623988e-5, 1e-10);
  assert.equal(skewed.mismatch, true);
  const fair = sampleRatioCheck([5040, 4960], [50, 50]);
  assert.equal(fair.mismatch, false);
  // unequal weights: 20/80 expected 2000/8000 of 10000; observed 2100/7900 → 5 + 1.25 = 6.25
  close(sampleRatioCheck([2100, 7900], [20, 80]).chiSquare, 6.25, 1e-12);
});

test('CUPED removes the variance explained by the pre-period', () => {
  // y = 2x + noise with small noise: nearly all variance goes.
  const x = [1, 2, 3, 4, 5, 6, 7, 8];
  const noise = [0.1, -0.1, 0.05, -0.05, 0.1, -0.1, 0.05, -0.05];
  const y = x.map((v, i) => 2 * v + noise[i]!);
  const r = cuped(y, x);
  close(r.theta, 2, 0.05);
  assert.ok(r.varianceReduction > 0.99);
  // The adjusted mean stays the mean of y.
  close(summarize(r.adjusted).mean, summarize(y).mean, 1e-12);
  // θ by hand for x = [0, 1, 2], y = [1, 3, 2]: cov = (1·-1 + 0 + 1·0)/… → Sxy = (-1)(-1) + 0(1) + 1(0) = 1, Sxx = 2 → θ = 0.5
  close(cuped([1, 3, 2], [0, 1, 2]).theta, 0.5, 1e-12);
  assert.equal(cuped([1, 2, 3], [5, 5, 5]).theta, 0);
});
