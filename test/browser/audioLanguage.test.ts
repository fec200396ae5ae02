import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { apiClient } from '../support/client.ts';
import { ffmpegPath } from '../support/media.ts';
import { openWatchPage, watchFixture } from '../support/watchFixture.ts';

const f = watchFixture({
  env: { ENCODE_PRESET: 'ultrafast', ENCODE_LADDER: 'fixed' },
  clip: { name: 'Dubbed Pattern', seconds: 4, height: 144, protected: false },
  prepare: async ({ server, videoId, token }) => {
    const dub = join(server.dataDir, 'dub-fr.m4a');
    await promisify(execFile)(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=48000:duration=4', '-c:a', 'aac', dub]);
    const form = new FormData();
    form.set('language', 'fr');
    form.set('file', new Blob([await readFile(dub)], { type: 'audio/mp4' }), 'dub-fr.m4a');
    const sent = await apiClient(server.url).call('POST', `/api/v1/studio/videos/${videoId}/audio`, { form, token });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    await server.m.services.studio.waitForJob(sent.body.jobId, () => undefined, 200);
  },
});

test('the watch page offers the dubbed language and plays its audio when chosen', async () => {
  const dubRequests: string[] = [];
  const page = await openWatchPage(f, {
    watch: (p) =>
      p.on('request', (r) => {
        if (r.url().includes('/dubs/fr/')) dubRequests.push(r.url());
      }),
  });
  const select = page.getByTestId('audio-select');
  await select.waitFor({ timeout: 45_000 });
  // The upload's own track carries no language tag: it is the original.
  assert.deepEqual(await select.locator('option').allTextContents(), ['Original', 'French']);
  assert.equal(dubRequests.length, 0, 'the dub is not fetched before it is chosen');
  await select.selectOption({ label: 'French' });
  await page.getByTestId('play-button').click();
  await page.waitForFunction(
    () => {
      const player = (window as unknown as { __marqueePlayer?: { getAudioTracks(): { active: boolean; language: string }[] } }).__marqueePlayer;
      return player?.getAudioTracks().find((t) => t.active)?.language === 'fr';
    },
    undefined,
    { timeout: 30_000 },
  );
  await page.waitForFunction(() => ((document.querySelector('[data-testid="video"]') as HTMLVideoElement | null)?.currentTime ?? 0) > 0.5, undefined, { timeout: 30_000 });
  assert.ok(dubRequests.some((u) => /chunk-stream0-\d+\.mp4/.test(u)), `French segments fetched: ${dubRequests.join(', ')}`);
  assert.equal(await select.inputValue(), 'fr');
});
