import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type WindowState, countHit } from './fixedWindow.ts';
import { memoryRateLimiter } from './index.ts';

const T = 1_700_000_000_000;

describe('countHit', () => {
  const cases: { name: string; prev: WindowState | undefined; now: number; limit: number; windowSec: number; allowed: boolean; state: WindowState; retryAfterSec: number }[] = [
    { name: 'first hit opens a window', prev: undefined, now: T, limit: 3, windowSec: 60, allowed: true, state: { windowStart: T, count: 1 }, retryAfterSec: 0 },
    { name: 'hit below the limit counts', prev: { windowStart: T, count: 1 }, now: T + 5000, limit: 3, windowSec: 60, allowed: true, state: { windowStart: T, count: 2 }, retryAfterSec: 0 },
    { name: 'the limit-th hit is allowed', prev: { windowStart: T, count: 2 }, now: T + 10_000, limit: 3, windowSec: 60, allowed: true, state: { windowStart: T, count: 3 }, retryAfterSec: 0 },
    { name: 'one over the limit is refused until the window ends', prev: { windowStart: T, count: 3 }, now: T + 10_000, limit: 3, windowSec: 60, allowed: false, state: { windowStart: T, count: 4 }, retryAfterSec: 50 },
    { name: 'retry-after rounds up to whole seconds', prev: { windowStart: T, count: 3 }, now: T + 10_001, limit: 3, windowSec: 60, allowed: false, state: { windowStart: T, count: 4 }, retryAfterSec: 50 },
    { name: 'retry-after is at least one second', prev: { windowStart: T, count: 9 }, now: T + 59_999, limit: 3, windowSec: 60, allowed: false, state: { windowStart: T, count: 10 }, retryAfterSec: 1 },
    { name: 'the last instant of a window still counts in it', prev: { windowStart: T, count: 3 }, now: T + 59_999, limit: 3, windowSec: 60, allowed: false, state: { windowStart: T, count: 4 }, retryAfterSec: 1 },
    { name: 'a window ends after windowSec and a new one opens', prev: { windowStart: T, count: 50 }, now: T + 60_000, limit: 3, windowSec: 60, allowed: true, state: { windowStart: T + 60_000, count: 1 }, retryAfterSec: 0 },
    { name: 'a stale window is replaced', prev: { windowStart: T, count: 50 }, now: T + 3600_000, limit: 3, windowSec: 60, allowed: true, state: { windowStart: T + 3600_000, count: 1 }, retryAfterSec: 0 },
    { name: 'limit 0 refuses even the first hit', prev: undefined, now: T, limit: 0, windowSec: 10, allowed: false, state: { windowStart: T, count: 1 }, retryAfterSec: 10 },
    { name: 'limit 1 allows exactly one', prev: { windowStart: T, count: 1 }, now: T + 1, limit: 1, windowSec: 1, allowed: false, state: { windowStart: T, count: 2 }, retryAfterSec: 1 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const prevCopy = c.prev && { ...c.prev };
      const decision = countHit(c.prev, c.now, c.limit, c.windowSec);
      assert.deepEqual(decision, { allowed: c.allowed, state: c.state, retryAfterSec: c.retryAfterSec });
      assert.deepEqual(c.prev, prevCopy, 'the previous state is not mutated');
    });
  }
});

describe('memoryRateLimiter', () => {
  const clockAt = (start: number) => {
    const c = { now: start, clock: () => c.now };
    return c;
  };

  test('refuses once the limit is reached, with the seconds left in the window', async () => {
    const c = clockAt(T);
    const limiter = memoryRateLimiter(c.clock);
    for (let i = 1; i <= 5; i++) {
      c.now = T + i * 1000;
      assert.deepEqual(await limiter.hit('login:ada', 5, 60), { allowed: true, retryAfterSec: 0 }, `hit ${i}`);
    }
    c.now = T + 20_000;
    assert.deepEqual(await limiter.hit('login:ada', 5, 60), { allowed: false, retryAfterSec: 41 });
    assert.deepEqual(await limiter.hit('login:ada', 5, 60), { allowed: false, retryAfterSec: 41 });
  });

  test('keys are counted apart', async () => {
    const limiter = memoryRateLimiter(() => T);
    assert.equal((await limiter.hit('a', 1, 60)).allowed, true);
    assert.equal((await limiter.hit('a', 1, 60)).allowed, false);
    assert.equal((await limiter.hit('b', 1, 60)).allowed, true);
  });

  test('reset forgets a key', async () => {
    const limiter = memoryRateLimiter(() => T);
    await limiter.hit('k', 2, 60);
    await limiter.hit('k', 2, 60);
    assert.equal((await limiter.hit('k', 2, 60)).allowed, false);
    await limiter.reset('k');
    assert.equal((await limiter.hit('k', 2, 60)).allowed, true);
    assert.equal((await limiter.hit('k', 2, 60)).allowed, true);
    assert.equal((await limiter.hit('k', 2, 60)).allowed, false);
    await limiter.reset('never-seen');
  });

  test('a new window opens when the old one rolls over', async () => {
    const c = clockAt(T);
    const limiter = memoryRateLimiter(c.clock);
    await limiter.hit('k', 1, 10);
    c.now = T + 9_999;
    assert.deepEqual(await limiter.hit('k', 1, 10), { allowed: false, retryAfterSec: 1 });
    c.now = T + 10_000;
    assert.deepEqual(await limiter.hit('k', 1, 10), { allowed: true, retryAfterSec: 0 });
    c.now = T + 15_000;
    assert.deepEqual(await limiter.hit('k', 1, 10), { allowed: false, retryAfterSec: 5 });
  });

  test('holds at most maxKeys keys, forgetting the least recently hit', async () => {
    const limiter = memoryRateLimiter(() => T, 2);
    await limiter.hit('a', 1, 60);
    await limiter.hit('b', 1, 60);
    assert.equal((await limiter.hit('a', 1, 60)).allowed, false); // 'a' is now the most recent
    await limiter.hit('c', 1, 60); // evicts 'b'
    assert.equal((await limiter.hit('a', 1, 60)).allowed, false, "'a' was kept");
    assert.equal((await limiter.hit('b', 1, 60)).allowed, true, "'b' was forgotten");
  });
});
