import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMediaToken, mediaPathPrefix, nginxMediaPathPrefix } from './signedUrl.ts';

const SECRET = 'signed-url-test-secret-0123456789abcdefgh';
const t = { playbackId: 'pb-1', assetId: 'asset1', expiresAtSec: 2_000_000_000 };
const tokenOf = (prefix: string) => prefix.split('/')[2]!;

const cases: { name: string; token: string; assetId: string; now: number; want: string }[] = [
  { name: 'HMAC form', token: tokenOf(mediaPathPrefix(SECRET, t)), assetId: 'asset1', now: 1_900_000_000, want: 'ok' },
  { name: 'nginx (MD5) form', token: tokenOf(nginxMediaPathPrefix(SECRET, t)), assetId: 'asset1', now: 1_900_000_000, want: 'ok' },
  { name: 'nginx form on another asset', token: tokenOf(nginxMediaPathPrefix(SECRET, t)), assetId: 'asset2', now: 1_900_000_000, want: 'bad_signature' },
  { name: 'nginx form from another secret', token: tokenOf(nginxMediaPathPrefix(`${SECRET}x`, t)), assetId: 'asset1', now: 1_900_000_000, want: 'bad_signature' },
  { name: 'nginx form expired', token: tokenOf(nginxMediaPathPrefix(SECRET, t)), assetId: 'asset1', now: 2_000_000_001, want: 'expired' },
  { name: 'a signature of neither length', token: 'pb-1.2000000000.abcdefghijklmnopqrstuvwxyz', assetId: 'asset1', now: 1_900_000_000, want: 'malformed' },
];

for (const c of cases) {
  test(`checkMediaToken: ${c.name}`, () => {
    const r = checkMediaToken(SECRET, c.token, c.assetId, c.now);
    assert.equal(r.ok ? 'ok' : r.reason, c.want);
  });
}
