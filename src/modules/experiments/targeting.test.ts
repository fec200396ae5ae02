import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TargetingContext, deviceOf, matchesRule, matchesTargeting, parseTenure, ruleProblem, tenureDays } from './targeting.ts';
import type { TargetRule } from './types.ts';

const ctx: TargetingContext = { country: 'GB', device: 'tv', plan: 'standard', tenureDays: 45, kids: false };
const rule = (type: TargetRule['type'], values: string[], include = true): TargetRule => ({ type, values, include });

test('each rule type, included and excluded', () => {
  const table: [TargetRule, boolean][] = [
    [rule('country', ['GB', 'IE']), true],
    [rule('country', ['gb']), true],
    [rule('country', ['US']), false],
    [rule('country', ['US'], false), true],
    [rule('country', ['GB'], false), false],
    [rule('device', ['tv']), true],
    [rule('device', ['mobile', 'tablet']), false],
    [rule('plan', ['standard', 'premium']), true],
    [rule('plan', ['basic']), false],
    [rule('tenure', ['0-30']), false],
    [rule('tenure', ['30-60']), true],
    [rule('tenure', ['45-']), true],
    [rule('tenure', ['-45']), false],
    [rule('tenure', ['0-7', '365-']), false],
    [rule('tenure', ['0-30'], false), true],
    [rule('kids', ['false']), true],
    [rule('kids', ['true']), false],
  ];
  for (const [r, want] of table) assert.equal(matchesRule(r, ctx), want, JSON.stringify(r));
});

test('rules are ANDed; unknown context fails include rules and passes exclude rules', () => {
  assert.equal(matchesTargeting([], ctx), true);
  assert.equal(matchesTargeting([rule('country', ['GB']), rule('plan', ['standard'])], ctx), true);
  assert.equal(matchesTargeting([rule('country', ['GB']), rule('plan', ['basic'])], ctx), false);
  const unknown: TargetingContext = { ...ctx, device: null, tenureDays: null, kids: null };
  assert.equal(matchesRule(rule('device', ['tv']), unknown), false);
  assert.equal(matchesRule(rule('device', ['tv'], false), unknown), true);
  assert.equal(matchesRule(rule('tenure', ['0-']), unknown), false);
  assert.equal(matchesRule(rule('kids', ['false']), unknown), false);
});

test('tenure ranges parse; bad rules are named', () => {
  assert.deepEqual(parseTenure('0-30'), { min: 0, max: 30 });
  assert.deepEqual(parseTenure('365-'), { min: 365, max: Infinity });
  assert.deepEqual(parseTenure('-7'), { min: 0, max: 7 });
  for (const bad of ['-', '30-10', 'x', '5']) assert.equal(parseTenure(bad), null, bad);
  const plans = ['basic', 'standard', 'premium'];
  assert.equal(ruleProblem(rule('plan', ['gold']), plans), '"gold" is not a valid plan value');
  assert.equal(ruleProblem(rule('country', ['GBR']), plans), '"GBR" is not a valid country value');
  assert.equal(ruleProblem(rule('device', []), plans), 'a device rule needs at least one value');
  assert.equal(ruleProblem(rule('kids', ['yes']), plans), '"yes" is not a valid kids value');
  assert.equal(ruleProblem(rule('tenure', ['0-30', '90-']), plans), null);
});

test('device from the declared header or the user agent', () => {
  assert.equal(deviceOf('tv', 'Mozilla/5.0 (iPhone)'), 'tv');
  assert.equal(deviceOf(undefined, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148'), 'mobile');
  assert.equal(deviceOf(undefined, 'Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36'), 'mobile');
  assert.equal(deviceOf(undefined, 'Mozilla/5.0 (Linux; Android 13; SM-X200) Safari/537.36'), 'tablet');
  assert.equal(deviceOf(undefined, 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)'), 'tablet');
  assert.equal(deviceOf(undefined, 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0)'), 'tv');
  assert.equal(deviceOf('fridge', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/126'), 'web');
  assert.equal(deviceOf(undefined, undefined), 'web');
});

test('tenure in whole days', () => {
  assert.equal(tenureDays('2024-01-01T00:00:00Z', Date.parse('2024-01-31T12:00:00Z')), 30);
  assert.equal(tenureDays('2024-01-01T00:00:00Z', Date.parse('2023-12-31T00:00:00Z')), 0);
});
