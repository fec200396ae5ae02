import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { openWatchPage, watchFixture } from '../support/watchFixture.ts';

const f = watchFixture({
  env: { ENCODE_PRESET: 'ultrafast', ENCODE_LADDER: 'fixed' },
  clip: { name: 'Captioned Pattern', seconds: 3, height: 144, protected: false },
  prepare: async ({ server, videoId, token }) => {
    const subs = new FormData();
    subs.set('language', 'fr');
    subs.set('label', 'Français');
    subs.set('file', new Blob(['1\n00:00:00,000 --> 00:00:02,500\nBonjour tout le monde\n']), 'fr.srt');
    assert.equal((await apiClient(server.url).call('POST', `/api/v1/studio/videos/${videoId}/subtitles`, { form: subs, token })).status, 201);
  },
});

test('the watch page offers the uploaded subtitles and shows them when chosen', async () => {
  const page = await openWatchPage(f);
  const select = page.getByTestId('subtitles-select');
  await select.waitFor({ timeout: 45_000 });
  assert.deepEqual(await select.locator('option').allTextContents(), ['Subtitles off', 'Français']);
  await select.selectOption({ label: 'Français' });
  await page.getByTestId('play-button').click();
  // Shaka renders through the video's own text tracks: the French one shows and holds the cue.
  await page.waitForFunction(
    () => {
      const v = document.querySelector('[data-testid="video"]') as HTMLVideoElement | null;
      const showing = v && [...v.textTracks].find((t) => t.mode === 'showing');
      return Boolean(showing && showing.language === 'fr' && showing.cues && [...showing.cues].some((c) => (c as VTTCue).text.includes('Bonjour')));
    },
    undefined,
    { timeout: 30_000 },
  );
});
