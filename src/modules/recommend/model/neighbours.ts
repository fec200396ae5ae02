import { type Csr, csrFromRows, rowCount, topIndices, transpose } from './sparse.ts';

/**
 * Cosine item-item similarity over a user -> item matrix, keeping each item's k nearest
 * neighbours (the classic item-kNN of Sarwar et al. 2001).
 */
export function cosineNeighbours(userItems: Csr, items: number, k: number, onProgress?: (fraction: number) => void): Csr {
  const itemUsers = transpose(userItems, items);
  const norms = new Float64Array(items);
  for (let i = 0; i < items; i++) {
    let s = 0;
    for (let p = itemUsers.offsets[i]!; p < itemUsers.offsets[i + 1]!; p++) s += itemUsers.values[p]! ** 2;
    norms[i] = Math.sqrt(s);
  }
  const acc = new Float64Array(items);
  const rows: [number, number][][] = [];
  for (let i = 0; i < items; i++) {
    const touched: number[] = [];
    for (let p = itemUsers.offsets[i]!; p < itemUsers.offsets[i + 1]!; p++) {
      const u = itemUsers.cols[p]!;
      const xui = itemUsers.values[p]!;
      for (let q = userItems.offsets[u]!; q < userItems.offsets[u + 1]!; q++) {
        const j = userItems.cols[q]!;
        if (acc[j] === 0) touched.push(j);
        acc[j]! += xui * userItems.values[q]!;
      }
    }
    const sims = new Float64Array(touched.length);
    touched.forEach((j, t) => (sims[t] = j === i ? -Infinity : acc[j]! / (norms[i]! * norms[j]! || 1)));
    rows.push(topIndices(sims, k).map((t) => [touched[t]!, sims[t]!]));
    for (const j of touched) acc[j] = 0;
    if (onProgress && i % 256 === 0) onProgress(i / items);
  }
  return csrFromRows(rows);
}

/** Scores every item for a weighted history through item -> item neighbour rows. */
export function neighbourScores(neighbours: Csr, history: { index: number; weight: number }[], items: number): Float64Array {
  const acc = new Float64Array(items);
  for (const { index, weight } of history) {
    if (index >= rowCount(neighbours)) continue;
    for (let k = neighbours.offsets[index]!; k < neighbours.offsets[index + 1]!; k++) acc[neighbours.cols[k]!]! += weight * neighbours.values[k]!;
  }
  return acc;
}
