import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, percentile } from './stats.ts';

test('nearest-rank percentiles', () => {
  const cases: [number[], number, number][] = [
    [[1], 50, 1],
    [[3, 1, 2], 50, 2],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [Array.from({ length: 20 }, (_, i) => i + 1), 95, 19],
    [Array.from({ length: 100 }, (_, i) => i + 1), 95, 95],
  ];
  for (const [values, p, expected] of cases) assert.equal(percentile(values, p), expected, `${p} of ${values.length}`);
  assert.ok(Number.isNaN(median([])));
});
