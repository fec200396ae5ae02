/**
 * The statistics behind experiment analysis: pure functions, no I/O, checked against
 * hand-computed values and published tables in stats.test.ts.
 */

// Numerical Recipes (3rd ed.) gammln: g = 671/128, 14 terms, ~1e-15 relative accuracy.
const COF = [
  57.15623566586292, -59.59796035547549, 14.136097974741746, -0.4919138160976202, 0.00003399464998481189, 0.00004652362892704858, -0.00009837447530487956, 0.0001580887032249125, -0.00021026444172410488, 0.00021743961811521265, -0.0001643181065367639, 0.00008441822398385275, -0.000026190838401581408, 0.0000036899182659531625,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  let y = x;
  let tmp = x + 5.2421875;
  tmp = (x + 0.5) * Math.log(tmp) - tmp;
  let ser = 0.9999999999999971;
  for (const c of COF) ser += c / ++y;
  return tmp + Math.log((2.5066282746310007 * ser) / x);
}

const EPS = 1e-15;
const TINY = 1e-300;

/** Continued fraction for the incomplete beta (modified Lentz). */
function betaFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(x, a, b)) / a : 1 - (front * betaFraction(1 - x, b, a)) / b;
}

/** P(a, x) and Q(a, x) = 1 - P, the regularized incomplete gamma functions, each computed where it is accurate. */
function incompleteGamma(a: number, x: number): { p: number; q: number } {
  if (x <= 0) return { p: 0, q: 1 };
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let del = sum;
    let ap = a;
    for (let n = 0; n < 1000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const p = sum * Math.exp(lead);
    return { p, q: 1 - p };
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const q = Math.exp(lead) * h;
  return { p: 1 - q, q };
}

/** Standard normal CDF Φ(z), through erf(x) = P(1/2, x²). */
export function normalCdf(z: number): number {
  if (!Number.isFinite(z)) return z > 0 ? 1 : 0;
  const { p, q } = incompleteGamma(0.5, (z * z) / 2);
  return z >= 0 ? 0.5 + p / 2 : q / 2;
}

/** Two-sided p-value of a standard normal statistic, accurate far into the tail. */
export function normalTwoSided(z: number): number {
  return incompleteGamma(0.5, (z * z) / 2).q;
}

/** Φ⁻¹(p): Acklam's rational approximation polished by two Newton steps. */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  }
  for (let i = 0; i < 2; i++) x -= (normalCdf(x) - p) / (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI));
  return x;
}

/** Student's t CDF with (possibly fractional) degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e7) return normalCdf(t);
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - tail : tail;
}

/** Two-sided p-value of a t statistic. */
export function studentTTwoSided(t: number, df: number): number {
  if (!Number.isFinite(df) || df > 1e7) return normalTwoSided(t);
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/** The t value with CDF p (bisection on the CDF; exact to ~1e-12). */
export function studentTQuantile(p: number, df: number): number {
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p && hi < 1e12) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Survival function of the chi-square distribution, P(X > x) with k degrees of freedom. */
export function chiSquareSf(x: number, k: number): number {
  return incompleteGamma(k / 2, x / 2).q;
}

export interface Summary {
  n: number;
  mean: number;
  /** Sample variance (n - 1 denominator); 0 for fewer than two values. */
  variance: number;
}

/** Mean and sample variance in one pass (Welford). */
export function summarize(xs: readonly number[]): Summary {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of xs) {
    n++;
    const d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  return { n, mean: n ? mean : 0, variance: n > 1 ? m2 / (n - 1) : 0 };
}

/** Treatment against control. `null` where the data cannot say (too few units, zero variance, zero baseline). */
export interface Comparison {
  /** treatment - control */
  absolute: number;
  absoluteCi: [number, number] | null;
  /** treatment / control - 1 */
  relative: number | null;
  relativeCi: [number, number] | null;
  statistic: number | null;
  df: number | null;
  pValue: number | null;
}

/** Delta-method interval for the ratio of two independent means, minus one. */
function relativeLift(m0: number, se0sq: number, m1: number, se1sq: number, z: number): Pick<Comparison, 'relative' | 'relativeCi'> {
  if (m0 === 0) return { relative: null, relativeCi: null };
  const relative = m1 / m0 - 1;
  const se = Math.sqrt(se1sq / (m0 * m0) + (m1 * m1 * se0sq) / m0 ** 4);
  return { relative, relativeCi: [relative - z * se, relative + z * se] };
}

/** Welch's unequal-variance t-test with a (1 - alpha) interval on the difference of means. */
export function welch(control: Summary, treatment: Summary, alpha = 0.05): Comparison {
  const absolute = treatment.mean - control.mean;
  const none: Comparison = { absolute, absoluteCi: null, relative: null, relativeCi: null, statistic: null, df: null, pValue: null };
  if (control.n < 2 || treatment.n < 2) return none;
  const s0 = control.variance / control.n;
  const s1 = treatment.variance / treatment.n;
  const se = Math.sqrt(s0 + s1);
  if (se === 0) return none;
  const df = (s0 + s1) ** 2 / (s0 ** 2 / (control.n - 1) + s1 ** 2 / (treatment.n - 1));
  const statistic = absolute / se;
  const tCrit = studentTQuantile(1 - alpha / 2, df);
  return {
    absolute,
    absoluteCi: [absolute - tCrit * se, absolute + tCrit * se],
    ...relativeLift(control.mean, s0, treatment.mean, s1, normalQuantile(1 - alpha / 2)),
    statistic,
    df,
    pValue: studentTTwoSided(statistic, df),
  };
}

export interface Proportion {
  successes: number;
  trials: number;
}

/** Two-proportion z-test (pooled standard error) with an unpooled (Wald) interval on the difference. */
export function twoProportion(control: Proportion, treatment: Proportion, alpha = 0.05): Comparison {
  const p0 = control.trials ? control.successes / control.trials : 0;
  const p1 = treatment.trials ? treatment.successes / treatment.trials : 0;
  const absolute = p1 - p0;
  const none: Comparison = { absolute, absoluteCi: null, relative: null, relativeCi: null, statistic: null, df: null, pValue: null };
  if (control.trials === 0 || treatment.trials === 0) return none;
  const z = normalQuantile(1 - alpha / 2);
  const s0 = (p0 * (1 - p0)) / control.trials;
  const s1 = (p1 * (1 - p1)) / treatment.trials;
  const seDiff = Math.sqrt(s0 + s1);
  const pooled = (control.successes + treatment.successes) / (control.trials + treatment.trials);
  const seTest = Math.sqrt(pooled * (1 - pooled) * (1 / control.trials + 1 / treatment.trials));
  const statistic = seTest > 0 ? absolute / seTest : null;
  return {
    absolute,
    absoluteCi: [absolute - z * seDiff, absolute + z * seDiff],
    ...relativeLift(p0, s0, p1, s1, z),
    statistic,
    df: null,
    pValue: statistic === null ? null : normalTwoSided(statistic),
  };
}

export interface SampleRatioCheck {
  chiSquare: number;
  df: number;
  pValue: number;
  /** True when the split is too unlikely under the configured weights (p below the threshold). */
  mismatch: boolean;
}

/** Sample-ratio-mismatch: chi-square goodness of fit of observed unit counts against the weights. */
export function sampleRatioCheck(observed: readonly number[], weights: readonly number[], threshold = 0.001): SampleRatioCheck {
  const total = observed.reduce((a, b) => a + b, 0);
  const wsum = weights.reduce((a, b) => a + b, 0);
  let chiSquare = 0;
  observed.forEach((o, i) => {
    const e = (total * weights[i]!) / wsum;
    if (e > 0) chiSquare += (o - e) ** 2 / e;
  });
  const df = observed.length - 1;
  const pValue = total === 0 || df < 1 ? 1 : chiSquareSf(chiSquare, df);
  return { chiSquare, df, pValue, mismatch: pValue < threshold };
}

export interface CupedResult {
  theta: number;
  adjusted: number[];
  /** Share of the metric's variance removed: 1 - var(adjusted) / var(y). */
  varianceReduction: number;
}

/**
 * CUPED: y - θ(x - mean x), θ = cov(x, y) / var(x), with x the same metric in a pre-period.
 * θ is fitted on all units together so the adjustment is the same in every variant.
 */
export function cuped(y: readonly number[], x: readonly number[]): CupedResult {
  const n = y.length;
  if (n !== x.length) throw new Error('cuped needs one pre-period value per unit');
  const my = n ? y.reduce((a, b) => a + b, 0) / n : 0;
  const mx = n ? x.reduce((a, b) => a + b, 0) / n : 0;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const theta = sxx > 0 ? sxy / sxx : 0;
  const adjusted = y.map((v, i) => v - theta * (x[i]! - mx));
  const vy = summarize(y).variance;
  const va = summarize(adjusted).variance;
  return { theta, adjusted, varianceReduction: vy > 0 ? 1 - va / vy : 0 };
}
