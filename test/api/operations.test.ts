import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

const ADMIN = { email: 'qoe-admin@example.com', password: 'qoe-admin-password' };
let server: TestServer;
let api: ReturnType<typeof apiClient>;
let admin: string;

before(async () => {
  server = await startTestServer({ MARQUEE_ADMIN_EMAIL: ADMIN.email, MARQUEE_ADMIN_PASSWORD: ADMIN.password });
  api = apiClient(server.url);
  admin = (await api.post('/api/v1/auth/login', ADMIN)).body.accessToken;
});
after(() => server.close());

const report = (over: Record<string, unknown> = {}) => ({ videoId: 'v-1', timeToFirstFrameMs: 420, rebufferCount: 1, rebufferMs: 1500, playedMs: 58_500, bitrateSwitches: 2, averageBitrateKbps: 2400, ...over });

test('players report QoE; bad reports are refused field by field', async () => {
  const viewer = await api.viewer();
  assert.equal((await api.post('/api/v1/qoe', report())).status, 401);
  assert.equal((await api.post('/api/v1/qoe', report(), viewer.profileToken)).status, 202);
  assert.equal((await api.post('/api/v1/qoe', report({ timeToFirstFrameMs: null, fatalError: 'network', playedMs: 0, rebufferMs: 0, rebufferCount: 0 }), viewer.profileToken)).status, 202);
  for (const [body, field] of [
    [report({ rebufferMs: -1 }), 'rebufferMs'],
    [report({ fatalError: 'DROP TABLE qoe;' }), 'fatalError'],
    [report({ averageBitrateKbps: 'fast' }), 'averageBitrateKbps'],
    [{ videoId: 'v-1' }, 'timeToFirstFrameMs'],
  ] as const) {
    const res = await api.post('/api/v1/qoe', body, viewer.profileToken);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.body.error.message, new RegExp(field));
  }
});

test('the operations summary is for admins, and adds up what players sent', async () => {
  const viewer = await api.viewer();
  assert.equal((await api.get('/api/v1/admin/qoe', viewer.accessToken)).status, 403);
  assert.equal((await api.get('/api/v1/admin/resilience', viewer.accessToken)).status, 403);
  const summary = await api.get('/api/v1/admin/qoe?hours=1&bucketMinutes=10', admin);
  assert.equal(summary.status, 200);
  assert.equal(summary.body.total.sessions, 2);
  assert.equal(summary.body.total.fatalErrors, 1);
  assert.equal(summary.body.total.ttffP50Ms, 420);
  assert.equal(summary.body.total.rebufferRatio, 1500 / 60_000);
  assert.deepEqual(summary.body.errorsByType, [{ type: 'network', count: 1 }]);
  assert.equal(summary.body.buckets.length, 7);
  assert.equal((await api.get('/api/v1/admin/qoe?hours=0', admin)).status, 400);
  const metrics = (await api.get('/metrics')).body as string;
  assert.match(metrics, /streaming_playback_errors_total\{error_type="network",content_type="unknown"\} 1/);
});
