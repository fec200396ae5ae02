import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiClient } from '../support/client.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

/** The chaos suite: named dependencies fail, hang or slow down, and users are still served. */

const ROOT = join(import.meta.dirname, '../..');
const ADMIN = { email: 'chaos@example.com', password: 'chaos-password-1' };

describe('fault injection is guarded', () => {
  test('off unless enabled in config', async () => {
    const server = await startTestServer({ MARQUEE_ADMIN_EMAIL: ADMIN.email, MARQUEE_ADMIN_PASSWORD: ADMIN.password });
    try {
      const api = apiClient(server.url);
      const admin = (await api.post('/api/v1/auth/login', ADMIN)).body.accessToken;
      const res = await api.put('/api/v1/admin/chaos/database', { mode: 'fail' }, admin);
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'chaos_disabled');
    } finally {
      await server.close();
    }
  });
});

describe('chaos scenarios', () => {
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  let admin: string;
  let videoId: string;
  const fault = (dependency: string, body: Record<string, unknown>) => api.put(`/api/v1/admin/chaos/${dependency}`, body, admin);
  const clearFaults = () => api.call('DELETE', '/api/v1/admin/chaos', { token: admin });

  before(async () => {
    server = await startTestServer({ CHAOS_ENABLED: 'true', DEPENDENCY_TIMEOUT_MS: '300', MARQUEE_ADMIN_EMAIL: ADMIN.email, MARQUEE_ADMIN_PASSWORD: ADMIN.password });
    api = apiClient(server.url);
    admin = (await api.post('/api/v1/auth/login', ADMIN)).body.accessToken;
    const catalog = server.m.services.catalog;
    const title = await catalog.createTitle({ type: 'movie', name: 'Steady State', genres: ['Drama'] }, null);
    videoId = 'chaos-video';
    await catalog.attachVideo({ titleId: title.id, videoId, durationSec: 600 });
  });
  after(async () => {
    await clearFaults();
    await server.close();
  });

  test('only admins may inject faults, and only into known dependencies', async () => {
    const viewer = await api.viewer();
    assert.equal((await api.put('/api/v1/admin/chaos/database', { mode: 'fail' }, viewer.accessToken)).status, 403);
    const unknown = await fault('mainframe', { mode: 'fail' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'unknown_dependency');
    assert.equal((await fault('database', { mode: 'explode' })).status, 400);
  });

  test('with the database slowed, progress updates are still accepted', async () => {
    const viewer = await api.viewer();
    assert.equal((await fault('database', { mode: 'slow', delayMs: 400 })).status, 200);
    try {
      const replies = await Promise.all([30, 31, 32].map((positionSec) => api.post('/api/v1/progress', { videoId, positionSec }, viewer.profileToken)));
      assert.deepEqual(replies.map((r) => r.status), [202, 202, 202]);
    } finally {
      await clearFaults();
    }
    const cw = await api.get('/api/v1/continue-watching', viewer.profileToken);
    assert.equal(cw.body.items[0].positionSec, 32);
    assert.match((await api.get('/metrics')).body, /progress_write_seconds_count [3-9]/, 'each durable write is timed');
  });

  test('with recommendations failing, the home page still answers with generic rows', async () => {
    const viewer = await api.viewer();
    await fault('recommendations', { mode: 'fail' });
    try {
      for (let i = 0; i < 6; i++) {
        const home = await api.get('/api/v1/home', viewer.profileToken);
        assert.equal(home.status, 200);
        assert.equal(home.body.source, 'popular');
        assert.ok(home.body.rows.some((r: { kind: string; items: { name: string }[] }) => r.kind === 'popular' && r.items.some((t) => t.name === 'Steady State')));
      }
      const recs = await api.get('/api/v1/recommendations', viewer.profileToken);
      assert.equal(recs.status, 200);
      assert.deepEqual(recs.body.items.map((t: { name: string }) => t.name), ['Steady State']);
      const breaker = (await api.get('/api/v1/admin/resilience', admin)).body.breakers.find((b: { name: string }) => b.name === 'recommendations');
      assert.equal(breaker.state, 'open', 'repeated failures open the circuit');
    } finally {
      await clearFaults();
    }
  });

  test('with search hanging, search answers degraded and other pages stay fast', async () => {
    const viewer = await api.viewer();
    const warm = await api.get('/api/v1/search?q=steady', viewer.profileToken);
    assert.equal(warm.body.items[0]?.title?.name ?? warm.body.items[0]?.name, 'Steady State');
    await fault('search', { mode: 'hang' });
    try {
      const order: string[] = [];
      const searching = api.get('/api/v1/search?q=steady', viewer.profileToken).then((r) => (order.push('search'), r));
      const browsing = api.get('/api/v1/titles', viewer.profileToken).then((r) => (order.push('titles'), r));
      const [searched, browsed] = await Promise.all([searching, browsing]);
      assert.equal(browsed.status, 200);
      assert.deepEqual(order, ['titles', 'search'], 'browsing does not wait for the hung search');
      assert.equal(searched.status, 200);
      assert.equal(searched.body.degraded, true);
      assert.equal(searched.body.items.length, warm.body.items.length, 'the viewer gets their last answer to the same query');
      const other = await api.get('/api/v1/search?q=never-asked', viewer.profileToken);
      assert.deepEqual([other.status, other.body.degraded, other.body.items.length], [200, true, 0]);
    } finally {
      await clearFaults();
    }
  });

  test('the operations view shows faults and breaker states', async () => {
    await fault('objects', { mode: 'fail' });
    const view = await api.get('/api/v1/admin/resilience', admin);
    assert.equal(view.status, 200);
    assert.deepEqual(view.body.chaos.faults, [{ dependency: 'objects', fault: { mode: 'fail' } }]);
    assert.ok(view.body.breakers.some((b: { name: string }) => b.name === 'objects'));
    assert.equal(typeof view.body.tier, 'number');
    await clearFaults();
    assert.deepEqual((await api.get('/api/v1/admin/resilience', admin)).body.chaos.faults, []);
  });
});

describe('killing a worker mid-job loses no job', () => {
  let server: TestServer;
  let child: ChildProcess | undefined;
  const env = { JOB_LEASE_SEC: '5', ENCODE_LADDER: 'fixed', ENCODE_PRESET: 'ultrafast' };
  before(async () => {
    server = await startTestServer(env);
  });
  after(async () => {
    child?.kill('SIGKILL');
    await server.close();
  });

  test('the job is taken again after its lease and finishes', async () => {
    const api = apiClient(server.url);
    const partner = await server.partnerToken();
    const title = await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Unkillable', genres: ['Drama'] }, partner);
    const clip = await makeTestClip(join(server.dataDir, 'clip.mp4'), { seconds: 8, height: 240 });
    const form = new FormData();
    form.set('titleId', title.body.id);
    form.set('file', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'clip.mp4');
    const jobId = (await api.call('POST', '/api/v1/studio/uploads', { form, token: partner })).body.jobId as string;
    const job = () => api.get(`/api/v1/studio/jobs/${jobId}`, partner).then((r) => r.body);

    child = spawn(process.execPath, [join(ROOT, 'bin/marquee.js'), 'worker'], { env: { ...process.env, ...env, DATA_DIR: server.dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    for (let i = 0; (await job()).status !== 'running'; i++) {
      if (i > 600) throw new Error('the worker never took the job');
      await sleep(100);
    }
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    assert.equal((await job()).status, 'running', 'the dead worker still holds the lease');

    server.startWorker();
    let status = '';
    for (let i = 0; i < 1200 && status !== 'succeeded' && status !== 'failed'; i++) {
      await sleep(100);
      status = (await job()).status;
    }
    assert.equal(status, 'succeeded');
  });
});
