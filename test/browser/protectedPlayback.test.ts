import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, viewerPage } from '../support/browser.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { publishClip } from '../support/studio.ts';

let server: TestServer;
let browser: Browser;
let titleId: string;
let videoId: string;

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast' }, { worker: true });
  ({ titleId, videoId } = await publishClip(server, { name: 'Protected Pattern', seconds: 12, height: 240, protected: true }));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('headless Chromium plays a CENC-protected title with a ClearKey licence from the session', async () => {
  const page = await viewerPage(browser, server.url, { plan: 'standard' });
  const licences: { status: number; hasToken: boolean; inUrl: boolean }[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/playback/licence')) licences.push({ status: 0, hasToken: Boolean(r.headers()['x-playback-token']), inUrl: /token/i.test(r.url()) });
  });
  page.on('response', (r) => {
    if (r.url().endsWith('/api/v1/playback/licence')) licences.at(-1)!.status = r.status();
  });
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
