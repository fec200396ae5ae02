import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type QoeReport, percentile, summariseQoe } from './qoeSummary.ts';

const report = (over: Partial<QoeReport>): QoeReport => ({ reportedAt: 0, ttffMs: 200, rebufferCount: 0, rebufferMs: 0, playedMs: 60_000, bitrateSwitches: 0, avgBitrateKbps: 3000, fatalError: null, ...over });
const H = 3_600_000;

describe('percentile', () => {
  const cases: [number[], number, number | null][] = [
    [[], 50, null],
    [[5], 95, 5],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 95, 100],
    [[10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 50, 50],
  ];
  for (const [values, p, expected] of cases) test(`p${p} of [${values}] is ${expected}`, () => assert.equal(percentile(values, p), expected));
});

describe('summariseQoe', () => {
  test('buckets by time, including empty ones, and drops reports outside the range', () => {
    const s = summariseQoe([report({ reportedAt: 10 }), report({ reportedAt: H + 5 }), report({ reportedAt: 5 * H })], 0, 3 * H, H);
    assert.deepEqual(s.buckets.map((b) => [b.start, b.sessions]), [[0, 1], [H, 1], [2 * H, 0]]);
    assert.equal(s.total.sessions, 2);
  });

  test('rebuffer ratio is stalled time over watching time, and stalls per hour of viewing', () => {
    const s = summariseQoe([report({ playedMs: 54_000, rebufferMs: 6_000, rebufferCount: 2 }), report({ playedMs: 36_000, rebufferMs: 4_000, rebufferCount: 1 })], 0, H, H);
    assert.equal(s.total.rebufferRatio, 0.1);
    assert.equal(s.total.rebuffersPerHour, 3 / (90_000 / H));
  });

  test('average bitrate is weighted by time played', () => {
    const s = summariseQoe([report({ playedMs: 30_000, avgBitrateKbps: 1000 }), report({ playedMs: 90_000, avgBitrateKbps: 5000 })], 0, H, H);
    assert.equal(s.total.avgBitrateKbps, 4000);
  });

  test('time to first frame percentiles skip sessions that never started', () => {
    const s = summariseQoe([report({ ttffMs: 100 }), report({ ttffMs: 300 }), report({ ttffMs: null, fatalError: 'network' })], 0, H, H);
    assert.equal(s.total.ttffP50Ms, 100);
    assert.equal(s.total.ttffP95Ms, 300);
  });

  test('fatal errors are counted and grouped by type, most common first', () => {
    const s = summariseQoe([report({ fatalError: 'network' }), report({ fatalError: 'drm' }), report({ fatalError: 'network' }), report({})], 0, H, H);
    assert.equal(s.total.fatalErrors, 3);
    assert.deepEqual(s.errorsByType, [{ type: 'network', count: 2 }, { type: 'drm', count: 1 }]);
  });

  test('no reports: zeros, not NaN', () => {
    const s = summariseQoe([], 0, H, H);
    assert.deepEqual({ ...s.total, start: 0 }, { start: 0, sessions: 0, ttffP50Ms: null, ttffP95Ms: null, rebufferRatio: 0, rebuffersPerHour: 0, avgBitrateKbps: 0, bitrateSwitches: 0, fatalErrors: 0 });
  });
});
