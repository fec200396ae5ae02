import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiClient } from '../support/client.ts';
import { launchChromium } from '../support/browser.ts';
import { type EdgeProcess, metricValue, scrape, spawnEdge } from '../support/edges.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

const SECRET = 'failover-test-secret-0123456789abcdefghijk';
const SHAKA = createRequire(import.meta.url).resolve('shaka-player/dist/shaka-player.compiled.js');
let server: TestServer;
let browser: Browser;
let api: ReturnType<typeof apiClient>;
let videoId: string;
const edges: EdgeProcess[] = [];

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', URL_SIGNING_SECRET: SECRET, STEERING_CHECK_INTERVAL_MS: '1000' }, { worker: true });
  api = apiClient(server.url);
  const partner = await api.signup();
  await server.m.services.identity.setRole(partner.accountId, 'partner');
  const token = (await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password })).body.accessToken;
  const titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Failover Pattern', genres: ['Drama'] }, token)).body.id;
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

test('killing the primary edge mid-playback: the player keeps playing from a backup, steering marks it unhealthy', async () => {
  const viewer = await api.viewer({ plan: 'premium', country: 'US' });
  const pb = (await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: 'failover' }, viewer.profileToken)).body;
  assert.ok(pb.cdn.primary && pb.cdn.backups.length >= 2, JSON.stringify(pb.cdn));
  const primary = edges.find((e) => e.url === pb.cdn.primary)!;
  assert.ok(primary, 'primary is one of our edges');
  assert.ok(pb.manifests.dash.startsWith(primary.url));

  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${server.url}/healthz`);
  await page.addScriptTag({ path: SHAKA });
  await page.evaluate(async (manifest) => {
    type Shaka = { polyfill: { installAll(): void }; Player: new () => { attach(v: HTMLVideoElement): Promise<void>; configure(c: object): void; load(u: string): Promise<void>; addEventListener(t: string, f: (e: unknown) => void): void } };
    const shaka = (window as unknown as { shaka: Shaka }).shaka;
    shaka.polyfill.installAll();
    const video = document.createElement('video');
    video.muted = true;
    document.body.append(video);
    const w = window as unknown as { samples: [number, number][]; shakaErrors: unknown[]; video: HTMLVideoElement };
    w.samples = [];
    w.shakaErrors = [];
    w.video = video;
    const player = new shaka.Player();
    await player.attach(video);
    // A short buffer, so playing on after the kill proves segments came from elsewhere.
    player.configure({ streaming: { bufferingGoal: 3, rebufferingGoal: 1, bufferBehind: 5 } });
    player.addEventListener('error', (e) => w.shakaErrors.push((e as { detail: { code: number } }).detail.code));
    await player.load(manifest);
    setInterval(() => w.samples.push([performance.now(), video.currentTime]), 100);
    // Twice real time keeps the test short; the buffer is 1.5 s of wall time then.
    video.playbackRate = 2;
    await video.play();
  }, pb.manifests.dash as string);

  const currentTime = () => page.evaluate(() => (window as unknown as { video: HTMLVideoElement }).video.currentTime);
  await page.waitForFunction(() => (window as unknown as { video: HTMLVideoElement }).video.currentTime > 2, undefined, { timeout: 20_000 });
  const before = await scrape(primary.url);
  assert.ok(metricValue(before, 'marquee_edge_bytes_served_total') > 0, 'the primary was serving');

  const killedAt = Date.now();
  const killedAtMedia = await currentTime();
  await primary.kill('SIGKILL');
  const killedPerf = await page.evaluate(() => performance.now());

  // Steering notices within 10 s.
  let unhealthyAfterMs = -1;
  while (Date.now() - killedAt < 10_000) {
    if ((await steeringEdges()).find((e) => e.baseUrl === primary.url)?.healthy === false) {
      unhealthyAfterMs = Date.now() - killedAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(unhealthyAfterMs >= 0, 'steering marked the killed edge unhealthy within 10 s');

  // Well past the 3 s buffer held at the kill: these segments came from a backup.
  await page.waitForFunction((t) => (window as unknown as { video: HTMLVideoElement }).video.currentTime > t + 11, killedAtMedia, { timeout: 20_000 });
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

  const served = await Promise.all(edges.filter((e) => e !== primary).map(async (e) => metricValue(await scrape(e.url), 'marquee_edge_bytes_served_total')));
  assert.ok(served.some((b) => b > 0), 'a backup edge served segments');
  assert.deepEqual(await page.evaluate(() => (window as unknown as { shakaErrors: unknown[] }).shakaErrors), []);
  assert.deepEqual(errors, []);
  console.log(`failover: steering marked the edge unhealthy after ${unhealthyAfterMs} ms; longest stall after the kill ${Math.round(longestStallMs)} ms; backup bytes ${served.join(',')}`);

  // New sessions avoid the dead edge.
  const next = (await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: 'failover' }, viewer.profileToken)).body;
  assert.ok(![next.cdn.primary, ...next.cdn.backups].includes(primary.url));
  await page.close();
});
