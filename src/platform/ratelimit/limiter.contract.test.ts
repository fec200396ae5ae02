import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { redisForTests } from '../../../test/support/redis.ts';
import { type RateLimiter, memoryRateLimiter, redisRateLimiter } from './index.ts';

/** What every limiter must do, whatever holds the counts. */
function rateLimiterContract(name: string, make: () => Promise<RateLimiter | undefined>) {
  describe(`rate limiter contract: ${name}`, async () => {
    const limiter = await make();
    const key = () => `test:${randomBytes(6).toString('hex')}`;
    test('admits up to the limit, then refuses with a wait', { skip: !limiter }, async () => {
      const k = key();
      const remaining: number[] = [];
      for (let i = 0; i < 3; i++) {
        const d = await limiter!.hit(k, 3, 3600);
        assert.equal(d.allowed, true, `hit ${i + 1}`);
        remaining.push(d.remaining);
      }
      assert.deepEqual(remaining, [2, 1, 0]);
      const refused = await limiter!.hit(k, 3, 3600);
      assert.equal(refused.allowed, false);
      assert.ok(refused.retryAfterSec >= 1, 'says how long to wait');
      assert.ok(refused.resetSec >= refused.retryAfterSec);
    });
    test('refused hits are not counted', { skip: !limiter }, async () => {
      const k = key();
      await limiter!.hit(k, 1, 3600);
      for (let i = 0; i < 5; i++) assert.equal((await limiter!.hit(k, 1, 3600)).allowed, false);
      await limiter!.reset(k);
      assert.equal((await limiter!.hit(k, 2, 3600)).remaining, 1);
    });
    test('keys are counted apart', { skip: !limiter }, async () => {
      const [a, b] = [key(), key()];
      assert.equal((await limiter!.hit(a, 1, 3600)).allowed, true);
      assert.equal((await limiter!.hit(a, 1, 3600)).allowed, false);
      assert.equal((await limiter!.hit(b, 1, 3600)).allowed, true);
    });
    test('reset forgets a key, and resetting an unknown key is harmless', { skip: !limiter }, async () => {
      const k = key();
      await limiter!.hit(k, 1, 3600);
      await limiter!.reset(k);
      assert.equal((await limiter!.hit(k, 1, 3600)).allowed, true);
      await limiter!.reset(key());
    });
    test('concurrent hits never admit more than the limit', { skip: !limiter }, async () => {
      const k = key();
      const decisions = await Promise.all(Array.from({ length: 40 }, () => limiter!.hit(k, 25, 3600)));
      assert.equal(decisions.filter((d) => d.allowed).length, 25);
    });
  });
}

rateLimiterContract('memory', async () => memoryRateLimiter());
const redis = await redisForTests();
after(() => redis?.disconnect());
rateLimiterContract('redis', async () => redis && redisRateLimiter(redis));

describe('memory limiter windows', () => {
  test('hits roll off as the window slides', async () => {
    const clock = { now: 1_700_000_040_000 };
    const limiter = memoryRateLimiter(() => clock.now);
    for (let i = 0; i < 4; i++) assert.equal((await limiter.hit('k', 4, 10)).allowed, true);
    assert.equal((await limiter.hit('k', 4, 10)).allowed, false);
    clock.now += 10_000; // next window: the 4 earlier hits still weigh fully at its start
    assert.equal((await limiter.hit('k', 4, 10)).allowed, false);
    clock.now += 5_000; // half-way: they weigh 2
    assert.equal((await limiter.hit('k', 4, 10)).allowed, true);
    assert.equal((await limiter.hit('k', 4, 10)).allowed, true);
    assert.equal((await limiter.hit('k', 4, 10)).allowed, false);
    clock.now += 20_000; // two windows on: everything has rolled off
    assert.equal((await limiter.hit('k', 4, 10)).remaining, 3);
  });
});
