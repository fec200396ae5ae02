import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDevice } from './devices.ts';

test('describeDevice names devices from their User-Agent unless they name themselves', () => {
  const cases: [string | undefined, object, { name: string; type: string }][] = [
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36', {}, { name: 'Chrome on Linux', type: 'browser' }],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1', {}, { name: 'Safari on iOS', type: 'phone' }],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0', {}, { name: 'Firefox on Windows', type: 'browser' }],
    ['Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 Chrome/76.0 TV Safari/537.36', {}, { name: 'Chrome on Linux', type: 'tv' }],
    ['curl/8.0', {}, { name: 'Unknown device', type: 'other' }],
    [undefined, { name: 'Kitchen iPad', type: 'tablet' }, { name: 'Kitchen iPad', type: 'tablet' }],
  ];
  for (const [ua, given, want] of cases) assert.deepEqual(describeDevice(ua, given), want, ua);
});
