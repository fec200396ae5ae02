import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { notFound } from '../errors.ts';
import { createMetrics } from '../metrics.ts';
import { faultInjector } from './faults.ts';
import { createGuards } from './guards.ts';

const setup = (chaos = true) => {
  const metrics = createMetrics();
  const faults = faultInjector(chaos);
  return { metrics, faults, guards: createGuards({ metrics, faults, defaultTimeoutMs: 100, resetTimeoutMs: 150 }) };
};
const failing = (count: { n: number }) => async () => {
  count.n++;
  throw new Error('down');
};

describe('breaker', () => {
  test('opens after repeated failures, serves the fallback without calling, half-opens, then closes on success', async () => {
    const { guards } = setup();
    const calls = { n: 0 };
    let healthy = false;
    const call = guards.guard('recs', async () => (healthy ? 'fresh' : failing(calls)()), { fallback: () => 'generic' });
    for (let i = 0; i < 6; i++) assert.equal(await call(), 'generic');
    assert.equal(guards.breakers()[0]!.state, 'open');
    const before = calls.n;
    assert.equal(await call(), 'generic');
    assert.equal(calls.n, before, 'an open circuit does not call the dependency');
    healthy = true;
    await sleep(200);
    assert.equal(guards.breakers()[0]!.state, 'half_open');
    assert.equal(await call(), 'fresh');
    assert.equal(guards.breakers()[0]!.state, 'closed');
    guards.shutdown();
  });

  test('a half-open trial that fails opens the circuit again', async () => {
    const { guards } = setup();
    const calls = { n: 0 };
    const call = guards.guard('search', failing(calls), { fallback: () => 'cached' });
    for (let i = 0; i < 6; i++) await call();
    await sleep(200);
    assert.equal(await call(), 'cached');
    assert.equal(guards.breakers()[0]!.state, 'open');
    guards.shutdown();
  });

  test('the caller’s own errors pass through and do not trip the circuit', async () => {
    const { guards } = setup();
    const call = guards.guard('catalog', async () => {
      throw notFound('title_not_found', 'No such title');
    }, { fallback: () => 'fallback' });
    for (let i = 0; i < 8; i++) await assert.rejects(call(), { code: 'title_not_found' });
    assert.equal(guards.breakers()[0]!.state, 'closed');
    guards.shutdown();
  });

  test('breaker state is exported as a metric', async () => {
    const { guards, metrics } = setup();
    const call = guards.guard('steering', failing({ n: 0 }), { fallback: () => [] });
    for (let i = 0; i < 6; i++) await call();
    assert.match(await metrics.registry.metrics(), /marquee_circuit_breaker_state\{dependency="steering"\} 2/);
    guards.shutdown();
  });
});

describe('timeouts, bulkheads and retries', () => {
  test('a slow call times out to the fallback', async () => {
    const { guards } = setup();
    const call = guards.guard('slow', async () => {
      await sleep(500);
      return 'late';
    }, { timeoutMs: 50, fallback: () => 'on time' });
    const started = Date.now();
    assert.equal(await call(), 'on time');
    assert.ok(Date.now() - started < 400);
    guards.shutdown();
  });

  test('calls beyond the bulkhead go straight to the fallback', async () => {
    const { guards } = setup();
    let inFlight = 0;
    let most = 0;
    const call = guards.guard('bulkhead', async () => {
      most = Math.max(most, ++inFlight);
      await sleep(30);
      inFlight--;
      return 'real';
    }, { maxConcurrent: 2, fallback: () => 'shed' });
    const results = await Promise.all(Array.from({ length: 5 }, () => call()));
    assert.equal(most, 2);
    assert.deepEqual(results.sort(), ['real', 'real', 'shed', 'shed', 'shed']);
    guards.shutdown();
  });

  test('retries a failing idempotent call and succeeds', async () => {
    const { guards } = setup();
    let attempts = 0;
    const call = guards.guard('objects', async () => {
      if (++attempts < 3) throw new Error('flaky');
      return 'ok';
    }, { retries: 2, timeoutMs: 1000 });
    assert.equal(await call(), 'ok');
    assert.equal(attempts, 3);
    guards.shutdown();
  });

  test('without retries a failure is not repeated', async () => {
    const { guards } = setup();
    let attempts = 0;
    const call = guards.guard('payments', async () => {
      attempts++;
      throw new Error('declined');
    });
    await assert.rejects(call(), /declined/);
    assert.equal(attempts, 1);
    guards.shutdown();
  });
});

describe('chaos faults', () => {
  test('fail, slow and hang a named dependency; clearing restores it', async () => {
    const { guards, faults } = setup();
    const call = guards.guard('home', async () => 'real', { timeoutMs: 100, fallback: () => 'fallback' });
    faults.set('home', { mode: 'fail' });
    assert.equal(await call(), 'fallback');
    faults.set('home', { mode: 'hang' });
    assert.equal(await call(), 'fallback', 'a hang is cut off by the timeout');
    faults.set('home', { mode: 'slow', delayMs: 20 });
    assert.equal(await call(), 'real');
    faults.clear();
    assert.equal(await call(), 'real');
    assert.deepEqual(faults.list(), []);
    guards.shutdown();
  });

  test('faults cannot be set when chaos is disabled', () => {
    const { faults } = setup(false);
    assert.throws(() => faults.set('home', { mode: 'fail' }), /disabled/);
  });
});
