import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMediaToken, mayFetch, mediaPathPrefix, nginxMediaPathPrefix, representationOf } from './signedUrl.ts';

const SECRET = 'signed-url-test-secret-0123456789abcdefgh';
const t = { playbackId: 'pb-1', assetId: 'asset1', expiresAtSec: 2_000_000_000 };
const capped = { ...t, representations: ['1', '2', '6'] };
const tokenOf = (prefix: string) => prefix.split('/')[2]!;

const cases: { name: string; token: string; assetId: string; now: number; want: string }[] = [
  { name: 'HMAC form', token: tokenOf(mediaPathPrefix(SECRET, t)), assetId: 'asset1', now: 1_900_000_000, want: 'ok' },
  { name: 'nginx (MD5) form', token: tokenOf(nginxMediaPathPrefix(SECRET, t)), assetId: 'asset1', now: 1_900_000_000, want: 'ok' },
  { name: 'nginx form on another asset', token: tokenOf(nginxMediaPathPrefix(SECRET, t)), assetId: 'asset2', now: 1_900_000_000, want: 'bad_signature' },
  { name: 'nginx form from another secret', token: tokenOf(nginxMediaPathPrefix(`${SECRET}x`, t)), assetId: 'asset1', now: 1_900_000_000, want: 'bad_signature' },
  { name: 'nginx form expired', token: tokenOf(nginxMediaPathPrefix(SECRET, t)), assetId: 'asset1', now: 2_000_000_001, want: 'expired' },
  { name: 'HMAC form naming renditions', token: tokenOf(mediaPathPrefix(SECRET, capped)), assetId: 'asset1', now: 1_900_000_000, want: 'ok' },
  { name: 'nginx form naming renditions', token: tokenOf(nginxMediaPathPrefix(SECRET, capped)), assetId: 'asset1', now: 1_900_000_000, want: 'ok' },
  { name: 'renditions widened by hand', token: tokenOf(mediaPathPrefix(SECRET, capped)).replace('.r1-2-6.', '.r0-1-2-6.'), assetId: 'asset1', now: 1_900_000_000, want: 'bad_signature' },
  { name: 'renditions dropped by hand', token: tokenOf(mediaPathPrefix(SECRET, capped)).replace('.r1-2-6.', '.'), assetId: 'asset1', now: 1_900_000_000, want: 'bad_signature' },
  { name: 'nginx form with renditions widened', token: tokenOf(nginxMediaPathPrefix(SECRET, capped)).replace('.r1-2-6.', '.r0-1-2-6.'), assetId: 'asset1', now: 1_900_000_000, want: 'bad_signature' },
  { name: 'a signature of neither length', token: 'pb-1.2000000000.abcdefghijklmnopqrstuvwxyz', assetId: 'asset1', now: 1_900_000_000, want: 'malformed' },
];

for (const c of cases) {
  test(`checkMediaToken: ${c.name}`, () => {
    const r = checkMediaToken(SECRET, c.token, c.assetId, c.now);
    assert.equal(r.ok ? 'ok' : r.reason, c.want);
  });
}

const fetchCases: { file: string; representation: string | undefined; capped: boolean }[] = [
  { file: 'manifest.mpd', representation: undefined, capped: true },
  { file: 'master.m3u8', representation: undefined, capped: true },
  { file: 'init-stream0.m4s', representation: '0', capped: false },
  { file: 'chunk-stream0-00003.m4s', representation: '0', capped: false },
  { file: 'media_0.m3u8', representation: '0', capped: false },
  { file: 'chunk-stream1-00003.m4s', representation: '1', capped: true },
  { file: 'init-stream6.m4s', representation: '6', capped: true },
  { file: 'media_2.m3u8', representation: '2', capped: true },
  { file: 'chunk-stream12-00001.m4s', representation: '12', capped: false },
  { file: 'sub/dir/chunk-stream0-00001.m4s', representation: '0', capped: false },
  { file: 'subtitles_en.m3u8', representation: undefined, capped: true },
  { file: 'poster.jpg', representation: undefined, capped: true },
];
for (const c of fetchCases) {
  test(`mayFetch ${c.file}`, () => {
    assert.equal(representationOf(c.file), c.representation);
    assert.equal(mayFetch(capped, c.file), c.capped, 'with renditions 1, 2 and 6 named');
    assert.equal(mayFetch(t, c.file), true, 'a token naming none may fetch everything');
  });
}
