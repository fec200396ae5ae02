import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, previousWeight } from './slidingWindow.ts';

const W = 60; // seconds
const START = 1_700_000_040_000; // a multiple of 60 s: the start of a fixed window

describe('previousWeight', () => {
  for (const [offsetMs, weight] of [[0, 1], [15_000, 0.75], [30_000, 0.5], [59_999, 1 / 60_000]] as const) {
    test(`${offsetMs} ms into the window the previous one weighs ${weight}`, () => assert.ok(Math.abs(previousWeight(START + offsetMs, W) - weight) < 1e-9));
  }
});

describe('decide', () => {
  const cases = [
    { name: 'an empty window admits and leaves limit-1', before: { previous: 0, current: 0 }, at: 0, limit: 5, allowed: true, remaining: 4, retryAfterSec: 0, resetSec: 120 },
    { name: 'the limit-th hit is admitted with nothing left', before: { previous: 0, current: 4 }, at: 10_000, limit: 5, allowed: true, remaining: 0, retryAfterSec: 0, resetSec: 110 },
    { name: 'one over the limit waits for the next window to decay this one', before: { previous: 0, current: 5 }, at: 10_000, limit: 5, allowed: false, remaining: 0, retryAfterSec: 62, resetSec: 110 },
    { name: 'a full previous window still counts early in this one', before: { previous: 10, current: 0 }, at: 3_000, limit: 10, allowed: false, remaining: 0, retryAfterSec: 3, resetSec: 57 },
    { name: 'half-way through, half the previous window counts', before: { previous: 10, current: 0 }, at: 30_000, limit: 10, allowed: true, remaining: 4, retryAfterSec: 0, resetSec: 90 },
    { name: 'refused until the previous window has decayed enough', before: { previous: 10, current: 5 }, at: 30_000, limit: 10, allowed: false, remaining: 0, retryAfterSec: 6, resetSec: 90 },
    { name: 'limit 0 refuses everything', before: { previous: 0, current: 0 }, at: 0, limit: 0, allowed: false, remaining: 0, retryAfterSec: 120, resetSec: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = decide(c.before, START + c.at, c.limit, W);
      assert.deepEqual({ allowed: d.allowed, remaining: d.remaining, retryAfterSec: d.retryAfterSec, resetSec: d.resetSec }, { allowed: c.allowed, remaining: c.remaining, retryAfterSec: c.retryAfterSec, resetSec: c.resetSec });
      assert.equal(d.limit, c.limit);
    });
  }

  test('the wait it gives is exactly when the next hit is admitted', () => {
    const before = { previous: 10, current: 5 };
    const refused = decide(before, START + 30_000, 10, W);
    assert.equal(refused.allowed, false);
    assert.equal(decide(before, START + 30_000 + refused.retryAfterSec * 1000, 10, W).allowed, true);
    assert.equal(decide(before, START + 30_000 + (refused.retryAfterSec - 1) * 1000, 10, W).allowed, false);
  });
});
