import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { retryDelaySec } from './backoff.ts';

const middle = () => 0.5; // jitter factor 1.0
const lowest = () => 0; // jitter factor 0.8
const highest = () => 1; // jitter factor 1.2 (Math.random never quite reaches 1)

describe('retryDelaySec', () => {
  const cases: { attempt: number; base?: number; cap?: number; jitter: () => number; want: number }[] = [
    { attempt: 1, jitter: middle, want: 2 },
    { attempt: 2, jitter: middle, want: 4 },
    { attempt: 3, jitter: middle, want: 8 },
    { attempt: 4, jitter: middle, want: 16 },
    { attempt: 8, jitter: middle, want: 256 },
    { attempt: 9, jitter: middle, want: 300 }, // 512 capped
    { attempt: 50, jitter: middle, want: 300 },
    { attempt: 0, jitter: middle, want: 2 }, // never shorter than the base
    { attempt: -3, jitter: middle, want: 2 },
    { attempt: 1, jitter: lowest, want: 1.6 },
    { attempt: 1, jitter: highest, want: 2.4 },
    { attempt: 3, jitter: lowest, want: 6.4 },
    { attempt: 3, jitter: highest, want: 9.6 },
    { attempt: 20, jitter: lowest, want: 240 },
    { attempt: 20, jitter: highest, want: 360 },
    { attempt: 1, base: 5, jitter: middle, want: 5 },
    { attempt: 3, base: 5, jitter: middle, want: 20 },
    { attempt: 3, base: 5, cap: 12, jitter: middle, want: 12 },
    { attempt: 1, base: 0.25, cap: 10, jitter: () => 0.3, want: 0.23 }, // rounded to the millisecond
  ];
  for (const { attempt, base, cap, jitter, want } of cases) {
    test(`attempt ${attempt}, base ${base ?? 'default'}, cap ${cap ?? 'default'}, jitter ${jitter()} → ${want}s`, () => {
      assert.equal(retryDelaySec(attempt, base, cap, jitter), want);
    });
  }

  test('grows with each attempt until the cap', () => {
    const delays = Array.from({ length: 12 }, (_, i) => retryDelaySec(i + 1, 2, 300, middle));
    for (let i = 1; i < delays.length; i++) {
      assert.ok(delays[i]! >= delays[i - 1]!, `attempt ${i + 1} waits no less than attempt ${i}`);
      if (delays[i - 1]! < 300) assert.equal(delays[i], Math.min(300, delays[i - 1]! * 2));
    }
    assert.equal(delays.at(-1), 300);
  });

  test('with real randomness every delay stays within ±20% of the capped exponential, and they differ', () => {
    for (const attempt of [1, 2, 5, 9, 30]) {
      const exp = Math.min(300, 2 * 2 ** (attempt - 1));
      const samples = Array.from({ length: 500 }, () => retryDelaySec(attempt));
      for (const s of samples) assert.ok(s >= exp * 0.8 && s <= exp * 1.2, `attempt ${attempt}: ${s}s outside ${exp * 0.8}..${exp * 1.2}`);
      assert.ok(new Set(samples).size > 50, 'jitter spreads retries out');
    }
  });
});
