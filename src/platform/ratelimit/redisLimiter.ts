import type { Redis } from 'ioredis';
import type { RateLimiter } from './limiter.ts';
import { decide, previousWeight, windowIndex } from './slidingWindow.ts';

// Reads both windows and counts the hit in one atomic step, so API nodes sharing Redis never
// admit more than the limit between them. One hash per key (fields per window) makes reset one
// DEL. Returns the counts as they were before this hit.
const HIT = `
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[4]) or '0')
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[5]) or '0')
if previous * tonumber(ARGV[1]) + current + 1 <= tonumber(ARGV[2]) then
  redis.call('HINCRBY', KEYS[1], ARGV[5], 1)
  redis.call('HDEL', KEYS[1], ARGV[6])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return {previous, current}
`;

/** Sliding-window limiter shared by every node that talks to the same Redis. */
export function redisRateLimiter(redis: Redis, prefix = 'marquee:rl:'): RateLimiter {
  return {
    kind: 'redis',
    async hit(key, limit, windowSec) {
      const now = Date.now();
      const index = windowIndex(now, windowSec);
      const field = (i: number) => `${windowSec}:${i}`;
      const [previous, current] = (await redis.eval(HIT, 1, prefix + key, previousWeight(now, windowSec), limit, windowSec * 2000, field(index - 1), field(index), field(index - 2))) as [number, number];
      return decide({ previous, current }, now, limit, windowSec);
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
  };
}
