import assert from 'node:assert/strict';
import { test } from 'node:test';
import { easeNeighbours, invertSpd } from './ease.ts';
import { csrFromRows } from './sparse.ts';

test('invertSpd gives the inverse of a symmetric positive-definite matrix', () => {
  for (const n of [1, 2, 5, 17]) {
    // A = MᵀM + I is SPD.
    const m = Array.from({ length: n * n }, (_, i) => Math.sin(i * 12.9898) * 2);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += m[k * n + i]! * m[k * n + j]!;
    for (let i = 0; i < n; i++) a[i * n + i]! += 1;
    const inv = Float64Array.from(a);
    invertSpd(inv, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-9, `n=${n} (${i},${j}) = ${s}`);
      }
    }
  }
  assert.throws(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2), RangeError);
});

test('EASE^R: two items always watched together predict each other; no item predicts itself', () => {
  // Users 0-3 watch items 0 and 1; users 4-5 watch item 2 only.
  const users = [[0, 1], [0, 1], [0, 1], [0, 1], [2], [2]].map((row) => row.map((i): [number, number] => [i, 1]));
  const b = easeNeighbours(csrFromRows(users), [0, 1, 2], 3, 0.5, 10);
  const weight = (i: number, j: number) => {
    for (let k = b.offsets[i]!; k < b.offsets[i + 1]!; k++) if (b.cols[k] === j) return b.values[k]!;
    return 0;
  };
  assert.equal(weight(0, 0), 0);
  assert.ok(weight(0, 1) > 0.5, `B[0][1] = ${weight(0, 1)}`);
  assert.ok(Math.abs(weight(0, 2)) < 1e-9 && Math.abs(weight(2, 0)) < 1e-9);
  // Closed form for this block: G = [[4.5, 4], [4, 4.5]], P = G⁻¹, B[0][1] = -P01 / P11 = 4 / 4.5.
  assert.ok(Math.abs(weight(0, 1) - 4 / 4.5) < 1e-6);
});
