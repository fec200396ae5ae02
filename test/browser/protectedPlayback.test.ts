import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { apiClient } from '../support/client.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

let server: TestServer;
let browser: Browser;
let titleId: string;
let videoId: string;

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast' }, { worker: true });
  const api = apiClient(server.url);
  const token = await server.partnerToken();
  titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Protected Pattern', genres: ['Documentary'] }, token)).body.id;
  const clip = await makeTestClip(join(server.dataDir, 'protected.mp4'), { seconds: 12, height: 240 });
  const form = new FormData();
  form.set('titleId', titleId);
  form.set('protected', 'true');
  form.set('file', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'protected.mp4');
  const upload = await api.call('POST', '/api/v1/studio/uploads', { form, token });
  assert.equal(upload.status, 202, JSON.stringify(upload.body));
  await server.m.services.studio.waitForJob(upload.body.jobId, () => undefined, 200);
  videoId = (await api.get(`/api/v1/titles/${titleId}`)).body.videoId;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('headless Chromium plays a CENC-protected title with a ClearKey licence from the session', async () => {
  const api = apiClient(server.url);
  const viewer = await api.viewer({ plan: 'standard' });
  const profile = (await api.get('/api/v1/profiles', viewer.accessToken)).body.items[0];
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  const licences: { status: number; hasToken: boolean; inUrl: boolean }[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/playback/licence')) licences.push({ status: 0, hasToken: Boolean(r.headers()['x-playback-token']), inUrl: /token/i.test(r.url()) });
  });
  page.on('response', (r) => {
    if (r.url().endsWith('/api/v1/playback/licence')) licences.at(-1)!.status = r.status();
  });
  await page.goto(`${server.url}/`);
  await page.evaluate(
    ([account, refresh, profileToken, p]) => {
      localStorage.setItem('accountToken', account);
      localStorage.setItem('refreshToken', refresh);
      localStorage.setItem('profileToken', profileToken);
      localStorage.setItem('profile', JSON.stringify(p));
    },
    [viewer.accessToken, viewer.refreshToken, viewer.profileToken, profile] as const,
  );
  await page.goto(`${server.url}/watch/${videoId}?title=${titleId}`);
  await page.getByTestId('play-button').click();
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-testid="video"]') as HTMLVideoElement | null;
    return v !== null && !v.paused && v.currentTime > 1 && v.readyState >= 3;
  }, undefined, { timeout: 45_000 });
  const t1 = await page.locator('[data-testid="video"]').evaluate((v: HTMLVideoElement) => v.currentTime);
  await page.waitForFunction((t) => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime > t + 2, t1, { timeout: 30_000 });

  const drm = await page.evaluate(() => {
    const player = (window as unknown as { __marqueePlayer: { keySystem(): string; getStats(): { decodedFrames: number } } }).__marqueePlayer;
    return { keySystem: player.keySystem(), decoded: player.getStats().decodedFrames };
  });
  assert.equal(drm.keySystem, 'org.w3.clearkey', 'played through EME with ClearKey');
  assert.ok(drm.decoded > 0);
  assert.ok(licences.length >= 1, 'the player asked for a licence');
  assert.ok(licences.every((l) => l.status === 200 && l.hasToken && !l.inUrl), JSON.stringify(licences));

  // The browser registered itself on its first playback and shows up in the account's device list.
  await page.goto(`${server.url}/profiles`);
  await page.getByTestId('device').first().waitFor({ timeout: 15_000 });
  assert.match((await page.getByTestId('device-list').textContent()) ?? '', /Chrome on Linux \(this browser\)/);
  await page.close();
});
