import { type Csr, csrFromRows, topIndices } from './sparse.ts';

/**
 * Inverts a symmetric positive-definite n x n matrix in place through its Cholesky factor
 * (G = L Lᵀ, G⁻¹ = L⁻ᵀ L⁻¹): about n³/2 multiply-adds, half of Gauss-Jordan, with every inner
 * loop running along a row. Row-major Float64Array.
 */
export function invertSpd(a: Float64Array, n: number, onProgress?: (fraction: number) => void): void {
  // 1. L in the lower triangle of a.
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let p = 0; p < j; p++) d -= a[rj + p]! * a[rj + p]!;
    if (!(d > 0)) throw new RangeError('matrix is not positive definite');
    const l = Math.sqrt(d);
    a[rj + j] = l;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let p = 0; p < j; p++) s -= a[ri + p]! * a[rj + p]!;
      a[ri + j] = s / l;
    }
    if (onProgress && j % 128 === 0) onProgress((j / n) * 0.34);
  }
  // 2. W = L⁻¹, row by row: W[i] = (e_i - Σ_{p<i} L[i][p] W[p]) / L[i][i].
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let p = 0; p < i; p++) {
      const f = a[ri + p]!;
      if (f === 0) continue;
      const rp = p * n;
      for (let j = 0; j <= p; j++) w[ri + j]! -= f * w[rp + j]!;
    }
    w[ri + i]! += 1;
    const l = a[ri + i]!;
    for (let j = 0; j <= i; j++) w[ri + j]! /= l;
    if (onProgress && i % 128 === 0) onProgress(0.34 + (i / n) * 0.33);
  }
  // 3. G⁻¹ = Wᵀ W, lower triangle accumulated over rows of W, then mirrored.
  a.fill(0);
  for (let p = 0; p < n; p++) {
    const rp = p * n;
    for (let i = 0; i <= p; i++) {
      const f = w[rp + i]!;
      if (f === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) a[ri + j]! += f * w[rp + j]!;
    }
    if (onProgress && p % 128 === 0) onProgress(0.67 + (p / n) * 0.33);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j]!;
}

/**
 * EASE^R (Steck 2019): item-item weights B = I - P diag(1/diag(P)), P = (XᵀX + λI)⁻¹, with a zero
 * diagonal, learned in closed form over the given items (indices into the user rows). Each column is
 * cut to its `keep` largest-magnitude weights and returned as sparse rows i -> (j, B[i][j]), so a
 * history scores title j as Σ_i h_i B[i][j].
 */
export function easeNeighbours(userItems: Csr, cfItems: number[], items: number, lambda: number, keep: number, onProgress?: (fraction: number) => void): Csr {
  const n = cfItems.length;
  const local = new Int32Array(items).fill(-1);
  cfItems.forEach((item, i) => (local[item] = i));
  const g = new Float64Array(n * n);
  for (let u = 0; u < userItems.offsets.length - 1; u++) {
    const row: [number, number][] = [];
    for (let k = userItems.offsets[u]!; k < userItems.offsets[u + 1]!; k++) {
      const i = local[userItems.cols[k]!]!;
      if (i >= 0) row.push([i, userItems.values[k]!]);
    }
    for (const [i, x] of row) for (const [j, y] of row) g[i * n + j]! += x * y;
  }
  for (let i = 0; i < n; i++) g[i * n + i]! += lambda;
  invertSpd(g, n, (f) => onProgress?.(0.95 * f));
  const rows: [number, number][][] = Array.from({ length: items }, () => []);
  const column = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const pjj = g[j * n + j]!;
    // P is symmetric: column j is row j, read along memory.
    for (let i = 0; i < n; i++) column[i] = i === j ? 0 : Math.abs(g[j * n + i]! / pjj);
    for (const i of topIndices(column, keep, (i) => i !== j)) rows[cfItems[i]!]!.push([cfItems[j]!, -g[j * n + i]! / pjj]);
  }
  for (const r of rows) r.sort((a, b) => a[0] - b[0]);
  onProgress?.(1);
  return csrFromRows(rows);
}
