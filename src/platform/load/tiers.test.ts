import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type LoadReading, type Tier, type TierState, nextTier, sheds, sustained, tierFor } from './tiers.ts';

const policy = { eventLoopDelayMs: 100, maxInFlight: 100, latencyMs: 1000, recoverySec: 10 };
const calm: LoadReading = { eventLoopDelayMs: 5, inFlight: 3, latencyMs: 20 };
const at = (level: number): LoadReading => ({ eventLoopDelayMs: 5, inFlight: Math.round(level * 100), latencyMs: 20 });

describe('tierFor', () => {
  for (const [level, tier] of [[0, 0], [0.99, 0], [1, 1], [1.49, 1], [1.5, 2], [1.99, 2], [2, 3], [10, 3]] as const) {
    test(`pressure ${level} asks for tier ${tier}`, () => assert.equal(tierFor(level), tier));
  }
});

describe('nextTier', () => {
  const cases: { name: string; state: TierState; reading: LoadReading; now: number; expect: TierState }[] = [
    { name: 'calm stays full', state: { tier: 0, calmSince: undefined }, reading: calm, now: 0, expect: { tier: 0, calmSince: undefined } },
    { name: 'overload jumps straight to the tier it needs', state: { tier: 0, calmSince: undefined }, reading: at(2.5), now: 0, expect: { tier: 3, calmSince: undefined } },
    { name: 'event-loop delay alone is enough', state: { tier: 0, calmSince: undefined }, reading: { ...calm, eventLoopDelayMs: 160 }, now: 0, expect: { tier: 2, calmSince: undefined } },
    { name: 'latency alone is enough', state: { tier: 0, calmSince: undefined }, reading: { ...calm, latencyMs: 1200 }, now: 0, expect: { tier: 1, calmSince: undefined } },
    { name: 'calm starts the recovery clock but keeps the tier', state: { tier: 2, calmSince: undefined }, reading: calm, now: 1000, expect: { tier: 2, calmSince: 1000 } },
    { name: 'not long enough calm keeps the tier', state: { tier: 2, calmSince: 1000 }, reading: calm, now: 10_999, expect: { tier: 2, calmSince: 1000 } },
    { name: 'after the recovery time it steps back one tier only', state: { tier: 2, calmSince: 1000 }, reading: calm, now: 11_000, expect: { tier: 1, calmSince: 11_000 } },
    { name: 'load just under the line is not calm enough (hysteresis)', state: { tier: 1, calmSince: 1000 }, reading: at(0.9), now: 60_000, expect: { tier: 1, calmSince: undefined } },
    { name: 'a spike during recovery resets the clock', state: { tier: 1, calmSince: 1000 }, reading: at(1.2), now: 5000, expect: { tier: 1, calmSince: undefined } },
    { name: 'from playback-only, clearly lower load is calm for that tier', state: { tier: 3, calmSince: 0 }, reading: at(1.1), now: 10_000, expect: { tier: 2, calmSince: 10_000 } },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(nextTier(c.state, c.reading, policy, c.now), c.expect));
});

describe('sheds', () => {
  const table: [Tier, boolean, boolean, boolean][] = [
    [0, false, false, false],
    [1, false, false, false],
    [2, false, false, true],
    [3, false, true, true],
  ];
  for (const [tier, critical, standard, optional] of table) {
    test(`tier ${tier} sheds critical=${critical} standard=${standard} optional=${optional}`, () => {
      assert.deepEqual([sheds(tier, 'critical'), sheds(tier, 'standard'), sheds(tier, 'optional')], [critical, standard, optional]);
    });
  }
});

describe('sustained', () => {
  test('a spike in one sample is ignored; load in both samples counts', () => {
    assert.deepEqual(sustained(calm, { eventLoopDelayMs: 900, inFlight: 3, latencyMs: 20 }), calm);
    assert.deepEqual(sustained({ eventLoopDelayMs: 300, inFlight: 50, latencyMs: 800 }, { eventLoopDelayMs: 250, inFlight: 90, latencyMs: 1500 }), { eventLoopDelayMs: 250, inFlight: 50, latencyMs: 800 });
  });
});
