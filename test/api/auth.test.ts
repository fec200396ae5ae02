import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

let server: TestServer;
let api: ReturnType<typeof apiClient>;

before(async () => {
  server = await startTestServer({ MARQUEE_ADMIN_EMAIL: 'boss@example.com', MARQUEE_ADMIN_PASSWORD: 'admin-password-1', LOGIN_MAX_ATTEMPTS: '5' });
  api = apiClient(server.url);
});
after(() => server.close());

describe('signup', () => {
  test('creates an account and returns tokens', async () => {
    const res = await api.post('/api/v1/auth/signup', { email: 'New.User@Example.com', password: 'long enough pw', plan: 'premium', country: 'gb' });
    assert.equal(res.status, 201);
    assert.match(res.body.accountId, /\S/);
    assert.match(res.body.accessToken, /^ey/);
    assert.ok(res.body.refreshToken.length >= 32);
    const me = await api.get('/api/v1/account', res.body.accessToken);
    assert.equal(me.status, 200);
    assert.deepEqual([me.body.email, me.body.plan, me.body.country, me.body.role], ['new.user@example.com', 'premium', 'GB', 'viewer']);
  });

  for (const [name, body, field] of [
    ['bad email', { email: 'not-an-email', password: 'long enough pw' }, 'email'],
    ['short password', { email: 'x@example.com', password: 'short' }, 'password'],
    ['missing password', { email: 'x@example.com' }, 'password'],
    ['unknown plan', { email: 'x@example.com', password: 'long enough pw', plan: 'gold' }, 'plan'],
    ['bad country', { email: 'x@example.com', password: 'long enough pw', country: 'USA' }, 'country'],
  ] as const) {
    test(`400 naming the field: ${name}`, async () => {
      const res = await api.post('/api/v1/auth/signup', body);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.field, field);
      assert.equal(res.body.error.code, 'invalid_request');
    });
  }

  test('duplicate email is 409, whatever its case', async () => {
    const first = await api.signup();
    const res = await api.post('/api/v1/auth/signup', { email: first.email.toUpperCase(), password: 'another password' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'email_taken');
  });

  test('malformed JSON is a 400, not a 500', async () => {
    const res = await api.call('POST', '/api/v1/auth/signup', { body: '{"email":', headers: {} });
    assert.equal(res.status, 400);
  });
});

describe('login, refresh and logout', () => {
  test('login with the right password, 401 with a wrong one', async () => {
    const acct = await api.signup();
    const ok = await api.post('/api/v1/auth/login', { email: acct.email, password: acct.password });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.accountId, acct.accountId);
    const bad = await api.post('/api/v1/auth/login', { email: acct.email, password: 'wrong password!' });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'invalid_credentials');
    const unknown = await api.post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'whatever123' });
    assert.equal(unknown.status, 401);
  });

  test('login attempts are rate limited per account, with Retry-After', async () => {
    const acct = await api.signup();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await api.post('/api/v1/auth/login', { email: acct.email, password: 'wrong password!' })).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    const limited = await api.post('/api/v1/auth/login', { email: acct.email, password: acct.password });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });

  test('refresh rotates: the old refresh token stops working, and reusing it revokes the new one too', async () => {
    const acct = await api.signup();
    const first = await api.post('/api/v1/auth/refresh', { refreshToken: acct.refreshToken });
    assert.equal(first.status, 200);
    assert.notEqual(first.body.refreshToken, acct.refreshToken);
    assert.equal((await api.get('/api/v1/account', first.body.accessToken)).status, 200);
    const reuse = await api.post('/api/v1/auth/refresh', { refreshToken: acct.refreshToken });
    assert.equal(reuse.status, 401);
    const stolenFamily = await api.post('/api/v1/auth/refresh', { refreshToken: first.body.refreshToken });
    assert.equal(stolenFamily.status, 401);
  });

  test('logout ends the refresh token', async () => {
    const acct = await api.signup();
    assert.equal((await api.post('/api/v1/auth/logout', { refreshToken: acct.refreshToken })).status, 204);
    assert.equal((await api.post('/api/v1/auth/refresh', { refreshToken: acct.refreshToken })).status, 401);
    assert.equal((await api.post('/api/v1/auth/logout', { refreshToken: acct.refreshToken })).status, 401);
  });

  test('a forged or missing access token is 401', async () => {
    assert.equal((await api.get('/api/v1/account')).status, 401);
    assert.equal((await api.get('/api/v1/account', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA')).status, 401);
  });
});

describe('roles', () => {
  test('the admin from the environment exists and can make a partner', async () => {
    const admin = await api.post('/api/v1/auth/login', { email: 'boss@example.com', password: 'admin-password-1' });
    assert.equal(admin.status, 200);
    const acct = await api.signup();
    assert.equal((await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Nope' }, acct.accessToken)).status, 403);
    assert.equal((await api.put(`/api/v1/admin/accounts/${acct.accountId}/role`, { role: 'partner' }, acct.accessToken)).status, 403);
    assert.equal((await api.put(`/api/v1/admin/accounts/${acct.accountId}/role`, { role: 'partner' }, admin.body.accessToken)).status, 204);
    const relogin = await api.post('/api/v1/auth/login', { email: acct.email, password: acct.password });
    assert.equal((await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Yes' }, relogin.body.accessToken)).status, 201);
  });
});

describe('operations', () => {
  test('health, readiness and metrics', async () => {
    assert.equal((await api.get('/healthz')).status, 200);
    const ready = await api.get('/readyz');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.database, 'sqlite');
    const metrics = await api.get('/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /marquee_http_request_duration_seconds_bucket/);
  });

  test('every response carries a request id, and an unknown API path is a JSON 404', async () => {
    const res = await api.get('/api/v1/nothing-here');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'route_not_found');
    assert.match(res.headers.get('x-request-id') ?? '', /\S/);
  });
});
