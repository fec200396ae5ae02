import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { redisReachable } from '../support/redis.ts';

const ADMIN = { email: 'ops@example.com', password: 'ops-password-1' };

describe('rate limits per category, per account and per IP', () => {
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  before(async () => {
    server = await startTestServer({ RATE_LIMITS: JSON.stringify({ search: { perAccount: 3, perIp: 1000 }, auth: { perAccount: 100, perIp: 10 }, playback_start: { perAccount: 2 }, progress: { perAccount: 2 } }) });
    api = apiClient(server.url);
  });
  after(() => server.close());

  test('search: remaining counts down, then 429 with Retry-After; another account is not affected', async () => {
    const a = await api.viewer();
    const b = await api.viewer();
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api.get('/api/v1/search?q=night', a.profileToken);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-ratelimit-limit'), '3');
      assert.ok(Number(r.headers.get('x-ratelimit-reset')) > 0);
      remaining.push(r.headers.get('x-ratelimit-remaining')!);
    }
    assert.deepEqual(remaining, ['2', '1', '0']);
    const refused = await api.get('/api/v1/search?q=night', a.profileToken);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal((await api.get('/api/v1/search?q=night', b.profileToken)).status, 200);
  });

  test('playback start and progress count against their own categories, even for bad requests', async () => {
    const v = await api.viewer();
    for (const expected of [404, 404, 429]) assert.equal((await api.post('/api/v1/playback/no-such-video/start', {}, v.profileToken)).status, expected);
    for (const expected of [400, 400, 429]) assert.equal((await api.post('/api/v1/progress', { positionSec: -1 }, v.profileToken)).status, expected);
    const browse = await api.get('/api/v1/titles', v.profileToken);
    assert.equal(browse.status, 200, 'browsing is a separate budget');
    assert.equal(browse.headers.get('x-ratelimit-limit'), '600');
  });

  test('auth is limited per IP: sign-ins beyond the limit are refused whatever the account', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await api.post('/api/v1/auth/login', { email: `nobody-${i}@example.com`, password: 'whatever-password' })).status);
    assert.ok(statuses.slice(0, 3).every((s) => s === 401), `early sign-ins are checked normally: ${statuses}`);
    assert.equal(statuses.at(-1), 429);
  });

  test('health, readiness and metrics are never limited', async () => {
    const r = await api.get('/healthz');
    assert.equal(r.headers.get('x-ratelimit-limit'), null);
  });

  test('refusals are counted in metrics', async () => {
    const text = (await api.get('/metrics')).body as string;
    assert.match(text, /marquee_rate_limited_total\{category="search",scope="account"\} [1-9]/);
  });
});

describe('rate limits shared through Redis', async () => {
  const reachable = await redisReachable();
  test('two API nodes share one budget per account', { skip: !reachable }, async () => {
    const env = { REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMITS: JSON.stringify({ search: { perAccount: 3, perIp: 1000 } }) };
    const [one, two] = [await startTestServer(env), await startTestServer(env)];
    try {
      // Both nodes must trust the same tokens: sign up on one, use the token on both.
      const viewer = await apiClient(one.url).viewer();
      const onTwo = await startTestServer({ ...env, DATA_DIR: one.dataDir });
      try {
        const statuses = [];
        for (const node of [one, onTwo, one, onTwo]) statuses.push((await apiClient(node.url).get('/api/v1/search?q=night', viewer.profileToken)).status);
        assert.deepEqual(statuses, [200, 200, 200, 429]);
        const ready = await apiClient(onTwo.url).get('/readyz');
        assert.equal(ready.body.limits, 'redis');
      } finally {
        await onTwo.close();
      }
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe('degradation tiers', () => {
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  let admin: string;
  before(async () => {
    server = await startTestServer({ CHAOS_ENABLED: 'true', LOAD_MAX_IN_FLIGHT: '4', LOAD_RECOVERY_SEC: '0.5', MARQUEE_ADMIN_EMAIL: ADMIN.email, MARQUEE_ADMIN_PASSWORD: ADMIN.password });
    api = apiClient(server.url);
    admin = (await api.post('/api/v1/auth/login', ADMIN)).body.accessToken;
  });
  after(() => server.close());

  test('overload sheds optional work with 503, keeps playback-critical routes, and recovers with hysteresis', async () => {
    const v = await api.viewer();
    assert.equal((await api.get('/readyz')).body.degradation.tier, 0);
    assert.equal((await api.call('PUT', '/api/v1/admin/chaos/database', { token: admin, body: { mode: 'slow', delayMs: 1500 } })).status, 200);
    // Twelve slow requests in flight against a limit of four: three times over.
    const pile = Array.from({ length: 12 }, () => api.get('/api/v1/genres', v.profileToken));
    let tier = 0;
    for (let i = 0; i < 20 && tier < 3; i++) {
      await sleep(200);
      tier = (await api.get('/readyz')).body.degradation?.tier ?? tier;
    }
    assert.equal(tier, 3, 'steps down to playback only');
    const shed = await api.get('/api/v1/search?q=night', v.profileToken);
    assert.equal(shed.status, 503);
    assert.equal(shed.body.error.code, 'shedding_load');
    assert.ok(Number(shed.headers.get('retry-after')) > 0);
    assert.equal((await api.get('/api/v1/home', v.profileToken)).status, 503, 'browsing is shed in playback-only');
    assert.equal((await api.post('/api/v1/progress', { positionSec: -1 }, v.profileToken)).status, 400, 'progress is still served (and validated)');
    assert.match((await api.get('/metrics')).body, /marquee_degradation_tier 3/);

    assert.equal((await api.call('DELETE', '/api/v1/admin/chaos', { token: admin })).status, 204);
    await Promise.all(pile);
    const seen = new Set<number>();
    for (let i = 0; i < 50 && tier > 0; i++) {
      await sleep(200);
      tier = (await api.get('/readyz')).body.degradation.tier;
      seen.add(tier);
    }
    assert.equal(tier, 0, 'back to full service once calm');
    assert.ok(seen.has(1) || seen.has(2), 'recovers one tier at a time');
    assert.equal((await api.get('/api/v1/search?q=night', v.profileToken)).status, 200);
  });
});
