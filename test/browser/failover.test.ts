import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiClient } from '../support/client.ts';
import { launchChromium } from '../support/browser.ts';
import { type EdgeProcess, metricValue, scrape, spawnEdge } from '../support/edges.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

const SECRET = 'failover-test-secret-0123456789abcdefghijk';
let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof apiClient>;
let videoId: string;
let titleId: string;
const edges: EdgeProcess[] = [];

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', URL_SIGNING_SECRET: SECRET, STEERING_CHECK_INTERVAL_MS: '1000' }, { worker: true });
  api = apiClient(server.url);
  const partner = await api.signup();
  await server.m.services.identity.setRole(partner.accountId, 'partner');
  const token = (await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password })).body.accessToken;
  titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Failover Pattern', genres: ['Drama'] }, token)).body.id;
  const form = new FormData();
  form.set('titleId', titleId);
  const clip = await makeTestClip(join(server.dataDir, 'failover.mp4'), { seconds: 16, height: 240 });
  form.set('file', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'failover.mp4');
  const upload = await api.call('POST', '/api/v1/studio/uploads', { form, token });
  const started = await Promise.all([
    server.m.services.studio.waitForJob(upload.body.jobId, () => undefined, 100),
    ...['us-a', 'us-b', 'eu-a'].map((id) =>
      spawnEdge({ id, region: id.startsWith('us') ? 'US' : 'EU', capacity: 256 * 1024 * 1024, origin: server.url, env: { URL_SIGNING_SECRET: SECRET, DATA_DIR: join(server.dataDir, id) } }).then((e) => void edges.push(e)),
    ),
    launchChromium(),
  ]);
  browser = started.at(-1) as Browser;
  videoId = (await api.get(`/api/v1/titles/${titleId}`)).body.videoId;
});
after(async () => {
  await browser?.close();
  for (const e of edges) await e.kill('SIGTERM');
  await server?.close();
});

const steeringEdges = async () => (await api.get('/api/v1/steering/edges')).body.edges as { id: string; healthy: boolean; baseUrl: string }[];

test('killing the primary edge mid-playback: the web player keeps playing from a backup, reports the failover; steering marks the edge unhealthy, avoids it, and uses it again when it returns', async () => {
  const viewer = await api.viewer({ plan: 'premium', country: 'US' });
  const profile = (await api.get('/api/v1/profiles', viewer.accessToken)).body.items.find((p: { id: string }) => p.id === viewer.profileId);
  assert.ok(profile, 'the viewer has its profile');

  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  const mediaHosts: string[] = [];
  page.on('response', (r) => {
    if (r.url().includes('/media/')) mediaHosts.push(`${new URL(r.url()).port}:${r.status()}:${r.url().split('/').pop()}`);
  });
  // Signed in as the viewer; a short buffer (set as the Watch page creates its player, before it
  // loads), so playing on after the kill proves segments came from elsewhere; currentTime sampled
  // to measure stalls. A string, so the page gets it untouched by the test's TypeScript compiler.
  const session = { accountToken: viewer.accessToken, refreshToken: viewer.refreshToken, profileToken: viewer.profileToken, profile: JSON.stringify(profile) };
  await page.addInitScript({
    content: `
      for (const [k, v] of Object.entries(${JSON.stringify(session)})) localStorage.setItem(k, v);
      window.samples = [];
      window.shakaErrors = [];
      let current;
      Object.defineProperty(window, '__marqueePlayer', {
        configurable: true,
        get() { return current; },
        set(p) {
          current = p;
          p.configure({ streaming: { bufferingGoal: 3, rebufferingGoal: 1, bufferBehind: 5 } });
          p.addEventListener('error', (e) => window.shakaErrors.push(e.detail.code));
        },
      });
      setInterval(() => {
        const v = document.querySelector('[data-testid="video"]');
        if (v) window.samples.push([performance.now(), v.currentTime]);
      }, 100);`,
  });
  await page.goto(`${server.url}/watch/${videoId}?title=${titleId}`);
  await page.getByTestId('play-button').click();
  await page.waitForFunction(() => ((document.querySelector('[data-testid="video"]') as HTMLVideoElement | null)?.currentTime ?? 0) > 0.5, undefined, { timeout: 30_000 });
  // Twice real time keeps the test short; the buffer is 1.5 s of wall time then.
  await page.evaluate(() => void ((document.querySelector('[data-testid="video"]') as HTMLVideoElement).playbackRate = 2));

  const manifest = await page.evaluate(() => (window as unknown as { __marqueePlayer: { getAssetUri(): string } }).__marqueePlayer.getAssetUri());
  const primary = edges.find((e) => manifest.startsWith(`${e.url}/`))!;
  assert.ok(primary, `the manifest ${manifest} is on one of our edges`);
  const currentTime = () => page.evaluate(() => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime);
  await page.waitForFunction(() => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime > 2, undefined, { timeout: 20_000 });
  const before = await scrape(primary.url);
  assert.ok(metricValue(before, 'marquee_edge_bytes_served_total') > 0, 'the primary was serving');

  const killedAt = Date.now();
  const killedAtMedia = await currentTime();
  await primary.kill('SIGKILL');
  const killedPerf = await page.evaluate(() => performance.now());

  // Steering notices within 10 s.
  let unhealthyAfterMs = -1;
  while (Date.now() - killedAt < 10_000) {
    if ((await steeringEdges()).find((e) => e.id === primary.id)?.healthy === false) {
      unhealthyAfterMs = Date.now() - killedAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(unhealthyAfterMs >= 0, 'steering marked the killed edge unhealthy within 10 s');

  // Well past the 3 s buffer held at the kill: these segments came from a backup.
  await page.waitForFunction((t) => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime > t + 11, killedAtMedia, { timeout: 20_000 });
  const samples = await page.evaluate(() => (window as unknown as { samples: [number, number][] }).samples);
  let longestStallMs = 0;
  let lastAdvance = killedPerf;
  let lastTime = -1;
  for (const [at, t] of samples) {
    if (at < killedPerf) {
      lastTime = t;
      continue;
    }
    if (t > lastTime) {
      lastAdvance = at;
      lastTime = t;
    }
    longestStallMs = Math.max(longestStallMs, at - lastAdvance);
  }
  assert.ok(longestStallMs < 5000, `stalled ${longestStallMs} ms`);

  const live = edges.filter((e) => e !== primary);
  const served = await Promise.all(live.map(async (e) => metricValue(await scrape(e.url), 'marquee_edge_bytes_served_total')));
  assert.ok(served.some((b) => b > 0), `a backup edge served segments: ${served.join(',')} ${edges.map((e) => `${e.id}=${e.url}`).join(' ')} ${mediaHosts.join(' ')}`);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { shakaErrors: unknown[] }).shakaErrors), []);
  assert.deepEqual(errors, []);

  // The player reported the switch: counted at the origin by edge, from the primary to the backup that served.
  const backup = live[served.findIndex((b) => b > 0)]!;
  let failovers = 0;
  const reportDeadline = Date.now() + 5000;
  while (failovers === 0 && Date.now() < reportDeadline) {
    failovers = metricValue(await scrape(server.url), 'marquee_player_failovers_total', { from_edge: primary.id });
    if (failovers === 0) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(failovers >= 1, 'the failover is visible in the metrics');
  assert.ok(metricValue(await scrape(server.url), 'marquee_player_failovers_total', { from_edge: primary.id, to_edge: backup.id }) >= 1, `reported as ${primary.id} -> ${backup.id}`);
  console.log(`failover: steering marked the edge unhealthy after ${unhealthyAfterMs} ms; longest stall after the kill ${Math.round(longestStallMs)} ms; backup bytes ${served.join(',')}`);
  await page.close();

  // New sessions avoid the dead edge.
  for (let i = 0; i < 3; i++) {
    const next = (await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: `after-kill-${i}` }, viewer.profileToken)).body;
    assert.ok(next.cdn.primary && ![next.cdn.primary, ...next.cdn.backups].includes(primary.url), JSON.stringify(next.cdn));
  }

  // It comes back (same id and port): healthy again, and steered to again.
  const port = Number(new URL(primary.url).port);
  const back = await spawnEdge({ id: primary.id, region: 'US', port, capacity: 256 * 1024 * 1024, origin: server.url, env: { URL_SIGNING_SECRET: SECRET, DATA_DIR: join(server.dataDir, primary.id) } });
  edges.push(back);
  const returnedAt = Date.now();
  while ((await steeringEdges()).find((e) => e.id === primary.id)?.healthy !== true) {
    assert.ok(Date.now() - returnedAt < 10_000, 'healthy again within 10 s of returning');
    await new Promise((r) => setTimeout(r, 200));
  }
  const again = (await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: 'after-return' }, viewer.profileToken)).body;
  assert.ok([again.cdn.primary, ...again.cdn.backups].includes(back.url), JSON.stringify(again.cdn));
});
