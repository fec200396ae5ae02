import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newTimeOrderedId } from './values.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const cases: [at: number, timePrefix: string][] = [
  [0, '00000000-0000'],
  [1, '00000000-0001'],
  [Date.parse('2026-01-01T00:00:00Z'), '019b76da-a800'],
  [2 ** 48 - 1, 'ffffffff-ffff'],
];

for (const [at, timePrefix] of cases) {
  test(`an id made at ${at} ms is a version 7 UUID starting ${timePrefix}`, () => {
    const id = newTimeOrderedId(at);
    assert.match(id, UUID_V7);
    assert.equal(id.slice(0, 13), timePrefix);
  });
}

test('ids made in later milliseconds sort after earlier ones, and ids never repeat', () => {
  const t0 = Date.parse('2026-11-26T12:00:00Z');
  const ids = Array.from({ length: 2_000 }, (_, i) => newTimeOrderedId(t0 + Math.floor(i / 10)));
  for (let i = 10; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 10]!, `${ids[i]} sorts after ${ids[i - 10]}`);
  assert.equal(new Set(ids).size, ids.length);
});
