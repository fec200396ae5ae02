import type { RateDecision } from './slidingWindow.ts';

export interface RateLimiter {
  readonly kind: 'memory' | 'redis';
  /** Counts one hit against `key` in a sliding window of `windowSec`; refused hits are not counted. */
  hit(key: string, limit: number, windowSec: number): Promise<RateDecision>;
  reset(key: string): Promise<void>;
}
