import { type Csr, transpose } from './sparse.ts';

/** Solves A x = b for a symmetric positive-definite k x k A (Cholesky); A is overwritten. */
export function solveSpd(a: Float64Array, b: Float64Array, k: number): Float64Array {
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j]!;
    for (let p = 0; p < j; p++) d -= a[j * k + p]! ** 2;
    const l = Math.sqrt(Math.max(d, 1e-12));
    a[j * k + j] = l;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j]!;
      for (let p = 0; p < j; p++) s -= a[i * k + p]! * a[j * k + p]!;
      a[i * k + j] = s / l;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < k; i++) {
    for (let p = 0; p < i; p++) x[i]! -= a[i * k + p]! * x[p]!;
    x[i]! /= a[i * k + i]!;
  }
  for (let i = k - 1; i >= 0; i--) {
    for (let p = i + 1; p < k; p++) x[i]! -= a[p * k + i]! * x[p]!;
    x[i]! /= a[i * k + i]!;
  }
  return x;
}

export interface AlsOptions {
  dims: number;
  iterations: number;
  /** Confidence per unit of |weight|: c = 1 + alpha |w|. */
  alpha: number;
  lambda: number;
}

/** Gram matrix FᵀF of row-major factors (rows x k). */
export function gram(f: Float32Array, rows: number, k: number): Float64Array {
  const g = new Float64Array(k * k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    for (let i = 0; i < k; i++) {
      const fi = f[o + i]!;
      if (fi === 0) continue;
      for (let j = 0; j < k; j++) g[i * k + j]! += fi * f[o + j]!;
    }
  }
  return g;
}

/**
 * One side of implicit ALS (Hu, Koren and Volinsky 2008): the least-squares vector for a row of
 * weighted feedback against fixed factors. Positives prefer 1, negatives prefer 0, each with
 * confidence 1 + alpha |w|; row `col` of `fixed` starts at col * stride; everything unobserved prefers 0 with confidence 1 (through the Gram).
 */
export function solveRow(fixed: Float32Array, stride: number, fixedGram: Float64Array, entries: Iterable<[number, number]>, o: AlsOptions): Float64Array {
  const k = o.dims;
  const a = Float64Array.from(fixedGram);
  const b = new Float64Array(k);
  for (const [col, w] of entries) {
    const c = o.alpha * Math.abs(w);
    const off = col * stride;
    for (let i = 0; i < k; i++) {
      const yi = fixed[off + i]!;
      for (let j = 0; j < k; j++) a[i * k + j]! += c * yi * fixed[off + j]!;
      if (w > 0) b[i]! += (1 + c) * yi;
    }
  }
  for (let i = 0; i < k; i++) a[i * k + i]! += o.lambda;
  return solveSpd(a, b, k);
}

const rowEntries = function* (m: Csr, r: number): Generator<[number, number]> {
  for (let p = m.offsets[r]!; p < m.offsets[r + 1]!; p++) yield [m.cols[p]!, m.values[p]!];
};

/** Item factors from weighted user -> item feedback (negatives included). Deterministic start. */
export function trainItemFactors(userItems: Csr, items: number, o: AlsOptions, onProgress?: (fraction: number) => void): Float32Array {
  const users = userItems.offsets.length - 1;
  const k = o.dims;
  const itemUsers = transpose(userItems, items);
  const itemF = new Float32Array(items * k);
  let seed = 7;
  for (let i = 0; i < itemF.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    itemF[i] = ((seed / 4294967296) - 0.5) * 0.1;
  }
  const userF = new Float32Array(users * k);
  for (let it = 0; it < o.iterations; it++) {
    let g = gram(itemF, items, k);
    for (let u = 0; u < users; u++) userF.set(solveRow(itemF, k, g, rowEntries(userItems, u), o), u * k);
    g = gram(userF, users, k);
    for (let i = 0; i < items; i++) {
      if (itemUsers.offsets[i + 1] === itemUsers.offsets[i]) itemF.fill(0, i * k, (i + 1) * k);
      else itemF.set(solveRow(userF, k, g, rowEntries(itemUsers, i), o), i * k);
    }
    onProgress?.((it + 1) / o.iterations);
  }
  return itemF;
}
