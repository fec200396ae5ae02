/** Compressed sparse rows: row r holds cols[offsets[r]..offsets[r+1]) with matching values. */
export interface Csr {
  offsets: Int32Array;
  cols: Int32Array;
  values: Float32Array;
}

export function csrFromRows(rows: Map<number, number>[] | [number, number][][]): Csr {
  const entries = rows.map((r) => (r instanceof Map ? [...r] : r));
  const offsets = new Int32Array(entries.length + 1);
  entries.forEach((r, i) => (offsets[i + 1] = offsets[i]! + r.length));
  const cols = new Int32Array(offsets[entries.length]!);
  const values = new Float32Array(cols.length);
  entries.forEach((r, i) => {
    let at = offsets[i]!;
    for (const [c, v] of r) {
      cols[at] = c;
      values[at++] = v;
    }
  });
  return { offsets, cols, values };
}

export function rowCount(m: Csr): number {
  return m.offsets.length - 1;
}

/** The transpose, with `columns` rows. */
export function transpose(m: Csr, columns: number): Csr {
  const offsets = new Int32Array(columns + 1);
  for (const c of m.cols) offsets[c + 1]!++;
  for (let c = 0; c < columns; c++) offsets[c + 1]! += offsets[c]!;
  const fill = offsets.slice(0, columns);
  const cols = new Int32Array(m.cols.length);
  const values = new Float32Array(m.cols.length);
  for (let r = 0; r < rowCount(m); r++) {
    for (let k = m.offsets[r]!; k < m.offsets[r + 1]!; k++) {
      const at = fill[m.cols[k]!]!++;
      cols[at] = r;
      values[at] = m.values[k]!;
    }
  }
  return { offsets, cols, values };
}

/** Adds weight * row r of m into acc. */
export function addRow(m: Csr, r: number, weight: number, acc: Float64Array): void {
  for (let k = m.offsets[r]!; k < m.offsets[r + 1]!; k++) acc[m.cols[k]!]! += weight * m.values[k]!;
}

/** Indices of the `limit` largest values of `scores` for which `keep` holds, best first (ties: lower index first). */
export function topIndices(scores: ArrayLike<number>, limit: number, keep: (i: number) => boolean = () => true): number[] {
  const picked: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (!(s > -Infinity) || !keep(i)) continue;
    if (picked.length === limit) {
      if (s <= scores[picked[limit - 1]!]!) continue;
      picked.pop();
    }
    let at = picked.length;
    picked.push(i);
    while (at > 0 && scores[picked[at - 1]!]! < s) {
      picked[at] = picked[at - 1]!;
      at--;
    }
    picked[at] = i;
  }
  return picked;
}
