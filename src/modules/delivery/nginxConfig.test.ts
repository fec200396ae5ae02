import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nginxConfig } from './nginxConfig.ts';

const base = { originUrl: 'http://origin.internal:8080', listenPort: 8443, cacheDir: '/var/cache/marquee', cacheBytes: 20 * 1024 ** 3, linkKey: 'k'.repeat(43) };

test('nginxConfig: checks the nginx form of signed URLs and caches segments across sessions', () => {
  const conf = nginxConfig(base);
  for (const want of [
    'listen 127.0.0.1:8443;',
    'server origin.internal:8080;',
    'proxy_set_header Host origin.internal:8080;',
    'secure_link $mq_sig,$mq_expires;',
    `secure_link_md5 "$mq_expires$mq_session/$mq_asset ${'k'.repeat(43)}";`,
    'proxy_cache_path "/var/cache/marquee" levels=1:2 keys_zone=marquee_edge:32m max_size=20480m',
    'proxy_cache_lock on;',
    'default $mq_asset/$mq_file;',
    'application/dash+xml mpd;',
    'error_log stderr warn;',
  ]) {
    assert.ok(conf.includes(want), want);
  }
  assert.ok(!conf.includes('user '), 'no user directive unless asked');
  assert.equal((conf.match(/\{/g) ?? []).length, (conf.match(/\}/g) ?? []).length, 'balanced blocks');
});

test('nginxConfig: options and refusals', () => {
  const conf = nginxConfig({ ...base, originUrl: 'https://origin.example', listenHost: '0.0.0.0', user: 'www-data', tempDir: '/run/marquee-nginx', accessLog: '/var/log/marquee-edge.log' });
  for (const want of ['user www-data;', 'server origin.example:443;', 'proxy_pass https://marquee_origin;', 'listen 0.0.0.0:8443;', 'proxy_temp_path "/run/marquee-nginx/proxy_temp";', 'access_log "/var/log/marquee-edge.log";']) {
    assert.ok(conf.includes(want), want);
  }
  assert.throws(() => nginxConfig({ ...base, originUrl: 'ftp://x' }), /http/);
  assert.throws(() => nginxConfig({ ...base, linkKey: 'has space and is long enough' }), /base64url/);
  assert.throws(() => nginxConfig({ ...base, cacheDir: '/tmp/x"; evil' }), /unsafe/);
});
