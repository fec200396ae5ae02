import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  let base: string;
  let n = 0;
  /** A fresh, not yet existing DATA_DIR for each load that needs one. */
  const freshDataDir = () => join(base, `data-${++n}`);

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'marquee-config-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('defaults: every role, embedded engines, generated secrets', () => {
    const dataDir = freshDataDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    assert.equal(config.port, 8080);
    assert.equal(config.host, '0.0.0.0');
    assert.deepEqual(config.roles, ['api', 'worker', 'edge', 'steering', 'scheduler']);
    assert.equal(config.dataDir, dataDir);
    assert.ok(existsSync(dataDir), 'the data dir is created');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.objectsDir, join(dataDir, 'objects'));
    assert.equal(config.workerConcurrency, 1);
    assert.equal(config.jobLeaseSec, 60);
    assert.equal(config.admin, undefined);
    assert.equal(config.seedDemo, true);
    assert.ok(config.jwtSecret.length >= 32);
    assert.ok(config.urlSigningSecret.length >= 32);
    assert.notEqual(config.jwtSecret, config.urlSigningSecret);
    assert.ok(Object.isFrozen(config));
  });

  test('search engine: embedded by default; RediSearch at SEARCH_REDIS_URL, else REDIS_URL', () => {
    assert.deepEqual(loadConfig({ DATA_DIR: freshDataDir() }).search, { engine: 'embedded' });
    assert.deepEqual(loadConfig({ DATA_DIR: freshDataDir(), SEARCH_ENGINE: 'redisearch', REDIS_URL: 'redis://a:6379' }).search, { engine: 'redisearch', redisUrl: 'redis://a:6379' });
    assert.deepEqual(loadConfig({ DATA_DIR: freshDataDir(), SEARCH_ENGINE: 'redisearch', REDIS_URL: 'redis://a:6379', SEARCH_REDIS_URL: 'redis://b:6380' }).search, { engine: 'redisearch', redisUrl: 'redis://b:6380' });
  });

  test('empty values count as unset', () => {
    const config = loadConfig({ DATA_DIR: freshDataDir(), PORT: '', DATABASE_URL: '' });
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, undefined);
  });

  test('reads and converts the values it is given', () => {
    const config = loadConfig({
      DATA_DIR: freshDataDir(),
      PORT: '9090',
      DATABASE_URL: 'postgres://app@db:5432/marquee',
      MARQUEE_ROLES: ' api , worker ',
      SEED_DEMO: '0',
      MARQUEE_ADMIN_EMAIL: 'Boss@Example.com',
      MARQUEE_ADMIN_PASSWORD: 'correct horse',
      JWT_SECRET: 'j'.repeat(32),
    });
    assert.equal(config.port, 9090);
    assert.equal(config.databaseUrl, 'postgres://app@db:5432/marquee');
    assert.deepEqual(config.roles, ['api', 'worker']);
    assert.equal(config.seedDemo, false);
    assert.deepEqual(config.admin, { email: 'boss@example.com', password: 'correct horse' });
    assert.equal(config.jwtSecret, 'j'.repeat(32));
  });

  const bad: { name: string; env: Record<string, string>; names: RegExp }[] = [
    { name: 'PORT=abc', env: { PORT: 'abc' }, names: /\bPORT\b/ },
    { name: 'PORT out of range', env: { PORT: '70000' }, names: /\bPORT\b/ },
    { name: 'DATABASE_URL=mysql://x', env: { DATABASE_URL: 'mysql://x' }, names: /\bDATABASE_URL\b/ },
    { name: 'a short JWT_SECRET', env: { JWT_SECRET: 'too-short' }, names: /\bJWT_SECRET\b/ },
    { name: 'only MARQUEE_ADMIN_EMAIL', env: { MARQUEE_ADMIN_EMAIL: 'boss@example.com' }, names: /MARQUEE_ADMIN_EMAIL.*MARQUEE_ADMIN_PASSWORD/ },
    { name: 'only MARQUEE_ADMIN_PASSWORD', env: { MARQUEE_ADMIN_PASSWORD: 'long enough pw' }, names: /MARQUEE_ADMIN_EMAIL.*MARQUEE_ADMIN_PASSWORD/ },
    { name: 'an unknown role', env: { MARQUEE_ROLES: 'api,transcoder' }, names: /MARQUEE_ROLES.*transcoder/ },
    { name: 'SEARCH_ENGINE=redisearch without a Redis', env: { SEARCH_ENGINE: 'redisearch' }, names: /SEARCH_ENGINE.*SEARCH_REDIS_URL/ },
    { name: 'an unknown SEARCH_ENGINE', env: { SEARCH_ENGINE: 'elastic' }, names: /\bSEARCH_ENGINE\b/ },
  ];
  for (const { name, env, names } of bad) {
    test(`${name} stops start-up with one line naming the variable`, () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: freshDataDir(), ...env }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
          assert.match(err.message, names);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        },
      );
    });
  }

  test('generated secrets persist across loads of the same DATA_DIR', () => {
    const dataDir = freshDataDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    assert.equal(second.jwtSecret, first.jwtSecret);
    assert.equal(second.urlSigningSecret, first.urlSigningSecret);
    assert.equal(readFileSync(join(dataDir, 'secrets', 'jwt'), 'utf8').trim(), first.jwtSecret);

    const elsewhere = loadConfig({ DATA_DIR: freshDataDir() });
    assert.notEqual(elsewhere.jwtSecret, first.jwtSecret, 'each install gets its own secret');
  });
});
