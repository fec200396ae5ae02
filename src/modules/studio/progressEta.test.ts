import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateEtaSec, withSample, type ProgressSample } from './progressEta.ts';

/** Samples every `stepMs` from 0 with the given progress values. */
const every = (stepMs: number, values: number[], startMs = 0): ProgressSample[] => values.map((progress, i) => ({ atMs: startMs + i * stepMs, progress }));

test('estimateEtaSec', async (t) => {
  const cases: { name: string; samples: ProgressSample[]; eta: number | null }[] = [
    { name: 'no samples', samples: [], eta: null },
    { name: 'one sample', samples: every(1000, [0.5]), eta: null },
    { name: 'too short a span (2 s)', samples: every(1000, [0.1, 0.2, 0.3]), eta: null },
    { name: 'too few samples over a long span', samples: every(10_000, [0.1, 0.3]), eta: null },
    { name: 'no progress in the window (stalled)', samples: every(1000, [0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4]), eta: null },
    { name: 'steady 1% a second at 50%', samples: every(1000, [0.45, 0.46, 0.47, 0.48, 0.49, 0.5]), eta: 50 },
    { name: 'done', samples: every(1000, [0.9, 0.95, 1]), eta: 0 },
    {
      name: 'only the last minute counts: slow analysis then a fast encode',
      // 0 -> 0.3 over 300 s (0.1%/s), then 0.3 -> 0.6 over the last 60 s (0.5%/s): 0.4 left at 0.5%/s = 80 s.
      samples: [...every(10_000, [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.19, 0.2, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29, 0.3]), ...every(10_000, [0.35, 0.4, 0.45, 0.5, 0.55, 0.6], 310_000)],
      eta: 80,
    },
    { name: 'a retry restarts from 0: samples before it are ignored', samples: [...every(1000, [0.5, 0.6, 0.7, 0.8]), ...every(1000, [0.0, 0.02, 0.04], 10_000)], eta: null },
    { name: 'after a retry, the new run alone', samples: [...every(1000, [0.5, 0.6, 0.7, 0.8]), ...every(2500, [0, 0.05, 0.1, 0.15], 10_000)], eta: 43 },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(estimateEtaSec(c.samples), c.eta));
});

test('withSample drops repeats and history the window no longer needs', () => {
  const s1 = withSample([], { atMs: 0, progress: 0.1 });
  assert.equal(withSample(s1, { atMs: 0, progress: 0.1 }).length, 1);
  const s2 = withSample(s1, { atMs: 200_000, progress: 0.5 });
  assert.deepEqual(s2, [{ atMs: 200_000, progress: 0.5 }]);
});
