import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csrFromRows, topIndices, transpose } from './sparse.ts';

test('topIndices: the largest values best first, ties in index order, filtered', () => {
  const cases: { scores: number[]; limit: number; keep?: (i: number) => boolean; want: number[] }[] = [
    { scores: [0.1, 0.9, 0.5, 0.7], limit: 2, want: [1, 3] },
    { scores: [0.5, 0.9, 0.5, 0.5], limit: 3, want: [1, 0, 2] },
    { scores: [3, 2, 1], limit: 10, want: [0, 1, 2] },
    { scores: [3, 2, 1], limit: 2, keep: (i) => i !== 0, want: [1, 2] },
    { scores: [-Infinity, 1, -Infinity], limit: 3, want: [1] },
    { scores: [1, 5, 2, 8, 3, 9, 0], limit: 4, want: [5, 3, 1, 4] },
  ];
  for (const c of cases) assert.deepEqual(topIndices(c.scores, c.limit, c.keep), c.want, JSON.stringify(c.scores));
});

test('transpose of a sparse matrix', () => {
  const m = csrFromRows([[[1, 2]], [], [[0, 3], [1, 4]]]);
  const t = transpose(m, 2);
  assert.deepEqual([...t.offsets], [0, 1, 3]);
  assert.deepEqual([...t.cols], [2, 0, 2]);
  assert.deepEqual([...t.values], [3, 2, 4]);
});
