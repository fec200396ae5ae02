import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, signedInPage } from '../support/browser.ts';
import { apiClient } from '../support/client.ts';
import { ffmpegPath } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { createTitle, uploadVideo } from '../support/studio.ts';

// The studio page shows a held-back video's QC report, and an admin publishes it from there.
const run = promisify(execFile);
const ADMIN = { email: 'qc-page-admin@example.com', password: 'qc-page-admin-password' };

let server: TestServer;
let browser: Browser;
let titleId: string;
let videoId: string;
let partnerToken: string;

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', MARQUEE_ADMIN_EMAIL: ADMIN.email, MARQUEE_ADMIN_PASSWORD: ADMIN.password }, { worker: true });
  partnerToken = await server.partnerToken();
  titleId = await createTitle(server, partnerToken, 'Late Audio');
  // Audio 200 ms behind the picture: QC holds it back.
  const clip = join(server.dataDir, 'late.mp4');
  await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=256x144:r=25:d=3', '-itsoffset', '0.2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', clip]);
  const upload = await uploadVideo(server, partnerToken, { titleId, clip, protected: false });
  videoId = upload.videoId;
  const failed = await server.m.services.studio.waitForJob(upload.jobId, () => undefined, 200).then(
    () => undefined,
    (err: { job?: { error?: { code: string } } }) => err.job?.error?.code,
  );
  assert.equal(failed, 'qc_failed');
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('the studio page shows the QC checks and lets an admin publish with a reason', async () => {
  const api = apiClient(server.url);
  const admin = (await api.post('/api/v1/auth/login', ADMIN)).body;
  const page = await signedInPage(browser, server.url, { accountToken: admin.accessToken, refreshToken: admin.refreshToken });
  await page.goto(`${server.url}/studio/videos/${videoId}`);
  await page.getByTestId('qc-report').waitFor({ timeout: 30_000 });
  assert.equal((await page.getByTestId('qc-verdict').textContent())?.trim(), 'QC fail');
  const syncRow = page.getByTestId('qc-checks').locator('tr', { hasText: 'A/V sync' });
  assert.match((await syncRow.textContent()) ?? '', /fail.*audio starts \d+ ms after the video/);
  assert.match((await page.getByTestId('qc-stretches').textContent()) ?? '', /Black stretches: none\. Frozen stretches: none\./);

  await page.getByTestId('qc-override-form').locator('textarea').fill('Offset is in the delivered master; signed off.');
  await page.getByTestId('qc-override-form').locator('button').click();
  await page.getByTestId('qc-override-record').waitFor({ timeout: 10_000 });
  assert.match((await page.getByTestId('qc-override-record').textContent()) ?? '', /Offset is in the delivered master; signed off\./);
  assert.equal(await page.getByTestId('qc-override-form').count(), 0, 'the form goes once published');

  const title = await api.get(`/api/v1/studio/titles/${titleId}`, partnerToken);
  assert.equal(title.body.videoId, videoId);
  await page.close();
});
