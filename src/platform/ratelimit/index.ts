export type { RateLimiter } from './limiter.ts';
export { memoryRateLimiter, rolled } from './memoryLimiter.ts';
export { redisRateLimiter } from './redisLimiter.ts';
export { type RateDecision, decide, previousWeight, windowIndex } from './slidingWindow.ts';
