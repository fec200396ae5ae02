import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type UnitMetrics, analyse, unitMetrics } from './analysis.ts';

const H = 3_600_000;
const D = 24 * H;

test('unit metrics count from exposure; pre-period feeds CUPED; return needs a later visit within 7 days', () => {
  const exposed = 100 * D;
  const m = unitMetrics('control', exposed, exposed + 30 * D, [
    { startedAt: exposed - 20 * D, lastSeenAt: exposed - 20 * D + H }, // before the pre-period: ignored
    { startedAt: exposed - 3 * D, lastSeenAt: exposed - 3 * D + 2 * H }, // pre-period
    { startedAt: exposed + 10 * 60_000, lastSeenAt: exposed + 40 * 60_000 }, // same sitting: counts, not a return
    { startedAt: exposed + 8 * D, lastSeenAt: exposed + 8 * D + H }, // after the 7-day window
  ], [
    { updatedAt: exposed - D, finished: true }, // before exposure: ignored
    { updatedAt: exposed + H, finished: true },
    { updatedAt: exposed + 2 * H, finished: false },
  ]);
  assert.deepEqual(m, { variant: 'control', playStarts: 2, hoursStreamed: 1.5, videosStarted: 2, videosFinished: 1, returned: false, pre: { playStarts: 1, hoursStreamed: 2 } });
  assert.equal(unitMetrics('x', exposed, exposed + 30 * D, [{ startedAt: exposed + 2 * D, lastSeenAt: exposed + 2 * D }], []).returned, true);
});

test('analyse: counts, SRM, rates and CUPED against hand-computed values', () => {
  const unit = (variant: string, playStarts: number, pre: number, returned: boolean, started = 0, finished = 0): UnitMetrics => ({
    variant,
    playStarts,
    hoursStreamed: playStarts / 2,
    videosStarted: started,
    videosFinished: finished,
    returned,
    pre: { playStarts: pre, hoursStreamed: pre / 2 },
  });
  const units = [
    unit('control', 1, 1, true, 2, 1),
    unit('control', 2, 2, false, 2, 1),
    unit('control', 3, 3, true, 2, 2),
    unit('treat', 3, 1, true, 2, 2),
    unit('treat', 4, 2, true, 2, 2),
    unit('treat', 5, 3, false, 2, 1),
  ];
  const a = analyse([{ key: 'control', weight: 50 }, { key: 'treat', weight: 50 }], units);
  assert.deepEqual(a.variants.map((v) => v.units), [3, 3]);
  assert.equal(a.srm.chiSquare, 0);
  const starts = a.metrics.find((m) => m.metric === 'play_starts')!;
  assert.deepEqual(starts.variants.map((v) => [v.mean, v.variance]), [[2, 1], [4, 1]]);
  // Pooled θ: x̄ = 2, ȳ = 3; Sxy = (-1)(-2)+0(-1)+1(0)+(-1)(0)+0(1)+1(2) = 4, Sxx = 4 → θ = 1.
  assert.equal(starts.cupedTheta, 1);
  // Adjusted y - (x - 2): control 2,2,2; treatment 4,4,4: no variance left, so no test statistic.
  assert.deepEqual(starts.variants.map((v) => v.cuped!.mean), [2, 4]);
  assert.equal(starts.variants[1]!.cuped!.lift!.pValue, null);
  assert.equal(starts.varianceReduction, 1);
  const completion = a.metrics.find((m) => m.metric === 'completion_rate')!;
  assert.deepEqual(completion.variants.map((v) => [v.n, v.mean]), [[6, 4 / 6], [6, 5 / 6]]);
  const retention = a.metrics.find((m) => m.metric === 'retention_7d')!;
  assert.deepEqual(retention.variants.map((v) => [v.n, v.mean]), [[3, 2 / 3], [3, 2 / 3]]);
  assert.equal(retention.variants[1]!.lift!.absolute, 0);
  assert.equal(retention.variants[1]!.lift!.pValue, 1);
});
