import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { apiClient } from '../support/client.ts';
import { launchChromium } from '../support/browser.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

const SHOTS = join(import.meta.dirname, '../../test-results');
let server: TestServer;
let browser: Browser;
let titleId: string;
const ADMIN = { email: 'oncall@example.com', password: 'oncall-password-1' };

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', MARQUEE_ADMIN_EMAIL: ADMIN.email, MARQUEE_ADMIN_PASSWORD: ADMIN.password }, { worker: true });
  const api = apiClient(server.url);
  const token = await server.partnerToken();
  titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Journey Test Pattern', genres: ['Documentary'], year: 2026, synopsis: 'A test card, streamed.' }, token)).body.id;
  const form = new FormData();
  form.set('titleId', titleId);
  const clip = await makeTestClip(join(server.dataDir, 'journey.mp4'), { seconds: 30, height: 480 });
  form.set('file', new Blob([await import('node:fs/promises').then((fs) => fs.readFile(clip))], { type: 'video/mp4' }), 'journey.mp4');
  const upload = await api.call('POST', '/api/v1/studio/uploads', { form, token });
  await server.m.services.studio.waitForJob(upload.body.jobId, () => undefined, 200);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const videoTime = (page: Page) => page.locator('[data-testid="video"]').evaluate((v: HTMLVideoElement) => v.currentTime);

async function pressPlayAndWatch(page: Page): Promise<void> {
  await page.getByTestId('play-button').click();
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-testid="video"]') as HTMLVideoElement | null;
    return v !== null && !v.paused && v.currentTime > 0 && v.readyState >= 3;
  }, undefined, { timeout: 30_000 });
  await assertText(page, 'player-state', 'playing');
}

async function assertText(page: Page, testId: string, text: string): Promise<void> {
  await page.waitForFunction(([id, t]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === t, [testId, text] as const, { timeout: 15_000 });
}

test('sign up, create and pick a profile, play a title, and resume after a reload', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(`${server.url}/signup`);
  await page.getByTestId('email').fill(`journey-${Date.now()}@example.com`);
  await page.getByTestId('password').fill('journey password 1');
  await page.getByTestId('submit').click();

  await page.getByTestId('profile-name').waitFor();
  await page.getByTestId('profile-name').fill('Robin');
  await page.getByTestId('profile-create').click();
  await page.getByTestId('profile-card').filter({ hasText: 'Robin' }).click();

  await page.getByTestId('title-card').first().waitFor();
  await page.screenshot({ path: join(SHOTS, 'home.png') });
  await page.getByTestId('title-card').first().click();
  await page.getByTestId('title-play').click();

  await pressPlayAndWatch(page);
  const heights = await page.evaluate(() => {
    const player = (window as unknown as { __marqueePlayer: { getVariantTracks(): { height: number | null }[] } }).__marqueePlayer;
    return [...new Set(player.getVariantTracks().map((t) => t.height))];
  });
  assert.ok(heights.length >= 4, `renditions: ${heights.join(',')}`);
  const t1 = await videoTime(page);
  await page.waitForFunction((t) => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime > t + 5, t1, { timeout: 30_000 });
  await page.screenshot({ path: join(SHOTS, 'player.png') });
  const stoppedAt = await videoTime(page);
  assert.ok(stoppedAt > t1, 'currentTime advances while playing');

  await page.reload();
  await pressPlayAndWatch(page);
  const resumedAt = await videoTime(page);
  assert.ok(resumedAt > 1 && Math.abs(resumedAt - stoppedAt) <= 10, `resumed at ${resumedAt}s after stopping at ${stoppedAt}s`);
  await page.close();
});

test('an expired session sends the viewer back to sign in with a message', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.evaluate(() => {
    localStorage.setItem('accountToken', 'expired.token.value');
    localStorage.setItem('profileToken', 'expired.token.value');
    localStorage.setItem('refreshToken', 'revoked-refresh-token');
  });
  await page.goto(`${server.url}/`);
  await page.getByTestId('email').waitFor({ timeout: 15_000 });
  assert.match(await page.content(), /session (has )?expired/i);
  await page.close();
});

test('the player reports its quality of experience, and on-call sees it charted', async () => {
  // The first journey left the watch page twice (reload, close): each play sent one report.
  const api = apiClient(server.url);
  const admin = (await api.post('/api/v1/auth/login', ADMIN)).body.accessToken;
  let summary = (await api.get('/api/v1/admin/qoe?hours=1', admin)).body;
  for (let i = 0; i < 50 && summary.total.sessions < 1; i++) {
    await new Promise((r) => setTimeout(r, 200));
    summary = (await api.get('/api/v1/admin/qoe?hours=1', admin)).body;
  }
  assert.ok(summary.total.sessions >= 1, 'a QoE report was stored');
  assert.ok(summary.total.ttffP50Ms > 0, 'time to first frame measured');
  assert.ok(summary.total.avgBitrateKbps > 0, 'bitrate watched measured');
  assert.equal(summary.total.fatalErrors, 0);
  assert.match((await api.get('/metrics')).body, /marquee_qoe_time_to_first_frame_seconds_count\{device="[a-z]+"\} [1-9]/);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.url}/signin`);
  await page.getByTestId('email').fill(ADMIN.email);
  await page.getByTestId('password').fill(ADMIN.password);
  await page.getByTestId('submit').click();
  await page.getByTestId('profile-name').waitFor();
  await page.goto(`${server.url}/ops`);
  await page.getByTestId('ops-page').waitFor({ timeout: 15_000 });
  assert.equal(Number(await page.getByTestId('ops-sessions').textContent()), summary.total.sessions);
  assert.ok((await page.locator('.ops-chart svg path.line').count()) >= 4, 'QoE charts are drawn');
  await page.screenshot({ path: join(SHOTS, 'operations.png') });
  await page.close();
});
