import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { formatEta, terminalReporter } from './progress.ts';

test('formatEta', () => {
  const cases: [number, string][] = [[0, '0s'], [42.4, '42s'], [60, '1m00s'], [185, '3m05s'], [3720, '1h02m'], [-3, '0s']];
  for (const [sec, text] of cases) assert.equal(formatEta(sec), text);
});

test('without a terminal, progress lines carry the stage and the ETA once known', () => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => (text += b.toString()));
  const reporter = terminalReporter(out as unknown as NodeJS.WriteStream);
  reporter.step('encode', 'probe', 0, null);
  reporter.step('encode', 'encode', 0.4, 95);
  reporter.step('encode', 'publish', 1, 0);
  reporter.stop();
  assert.deepEqual(text.trim().split('\n'), ['encode: probe 0%', 'encode: encode 40% | ETA 1m35s', 'encode: publish 100%']);
});
