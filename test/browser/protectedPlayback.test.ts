import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openWatchPage, watchFixture } from '../support/watchFixture.ts';

const f = watchFixture({ env: { ENCODE_PRESET: 'ultrafast' }, clip: { name: 'Protected Pattern', seconds: 12, height: 240, protected: true } });

test('headless Chromium plays a CENC-protected title with a ClearKey licence from the session', async () => {
  const licences: { status: number; hasToken: boolean; inUrl: boolean }[] = [];
  const page = await openWatchPage(f, {
    plan: 'standard',
    watch: (p) => {
      p.on('request', (r) => {
        if (r.url().endsWith('/api/v1/playback/licence')) licences.push({ status: 0, hasToken: Boolean(r.headers()['x-playback-token']), inUrl: /token/i.test(r.url()) });
      });
      p.on('response', (r) => {
        if (r.url().endsWith('/api/v1/playback/licence')) licences.at(-1)!.status = r.status();
      });
    },
  });
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
  await page.goto(`${f.server.url}/profiles`);
  await page.getByTestId('device').first().waitFor({ timeout: 15_000 });
  assert.match((await page.getByTestId('device-list').textContent()) ?? '', /Chrome on Linux \(this browser\)/);
  await page.close();
});
