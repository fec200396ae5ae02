import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Licensing, countriesNotYetClosed, isAvailableIn, windowProblem } from './availability.ts';

const at = '2026-06-15T12:00:00.000Z';
const w = (country: string, startsAt: string, endsAt: string | null = null) => ({ country, startsAt, endsAt });

test('isAvailableIn: regions without windows, windows when there are any', () => {
  const cases: [string, Licensing, string, boolean][] = [
    ['worldwide', { worldwide: true, regions: [], windows: [] }, 'US', true],
    ['listed region', { worldwide: false, regions: ['GB', 'US'], windows: [] }, 'US', true],
    ['unlisted region', { worldwide: false, regions: ['GB'], windows: [] }, 'US', false],
    ['open window', { worldwide: true, regions: [], windows: [w('US', '2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z')] }, 'US', true],
    ['window over', { worldwide: true, regions: [], windows: [w('US', '2026-05-01T00:00:00Z', '2026-06-01T00:00:00Z')] }, 'US', false],
    ['window to come', { worldwide: true, regions: [], windows: [w('US', '2026-07-01T00:00:00Z')] }, 'US', false],
    ['open-ended window', { worldwide: false, regions: [], windows: [w('US', '2026-01-01T00:00:00Z')] }, 'US', true],
    ['windows replace worldwide for other countries', { worldwide: true, regions: [], windows: [w('US', '2026-01-01T00:00:00Z')] }, 'GB', false],
    ['ends exactly now: over', { worldwide: false, regions: [], windows: [w('US', '2026-01-01T00:00:00Z', at)] }, 'US', false],
    ['starts exactly now: open', { worldwide: false, regions: [], windows: [w('US', at)] }, 'US', true],
    ['a second window reopens it', { worldwide: false, regions: [], windows: [w('US', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), w('US', '2026-06-01T00:00:00Z')] }, 'US', true],
  ];
  for (const [name, licensing, country, want] of cases) assert.equal(isAvailableIn(licensing, country, at), want, name);
});

test('countriesNotYetClosed keeps open and future windows', () => {
  assert.deepEqual(countriesNotYetClosed([w('US', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), w('GB', '2026-07-01T00:00:00Z'), w('FR', '2026-01-01T00:00:00Z'), w('FR', '2027-01-01T00:00:00Z')], at), ['FR', 'GB']);
});

test('windowProblem names the bad field', () => {
  assert.equal(windowProblem([w('US', '2026-01-01T00:00:00Z')]), undefined);
  assert.equal(windowProblem([w('US', '2026-01-01T00:00:00Z'), w('usa', '2026-01-01T00:00:00Z')])?.field, 'windows.1.country');
  assert.equal(windowProblem([w('US', 'soon')])?.field, 'windows.0.startsAt');
  assert.equal(windowProblem([w('US', '2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z')])?.field, 'windows.0.endsAt');
});
