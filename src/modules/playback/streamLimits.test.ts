import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SESSION_IDLE_SEC, retryAfterSec } from './streamLimits.ts';

test('retryAfterSec: until the stalest stream would time out, within the idle window', () => {
  const now = Date.parse('2026-01-01T00:01:00Z');
  assert.equal(retryAfterSec(['2026-01-01T00:00:50Z', '2026-01-01T00:00:30Z'], now), SESSION_IDLE_SEC - 30);
  assert.equal(retryAfterSec(['2026-01-01T00:01:00Z'], now), SESSION_IDLE_SEC);
  assert.equal(retryAfterSec(['2026-01-01T00:00:00Z'], now), 1);
  assert.ok(SESSION_IDLE_SEC <= 60, 'a closed tab frees its screen within a minute');
});
