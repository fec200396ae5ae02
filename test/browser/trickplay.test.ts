import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { signedInPage } from '../support/browser.ts';
import { makeTestClip } from '../support/media.ts';
import { createTitle, uploadVideo } from '../support/studio.ts';
import { openWatchPage, watchFixture } from '../support/watchFixture.ts';

const f = watchFixture({ env: { ENCODE_PRESET: 'ultrafast', ENCODE_LADDER: 'fixed' }, clip: { name: 'Scrub Pattern', seconds: 12, height: 144, protected: false } });

test('hovering the seek bar shows the trick-play thumbnail for that moment, from the sprite sheet', async () => {
  const page = await openWatchPage(f);
  await page.getByTestId('play-button').click({ timeout: 45_000 });
  const bar = page.getByTestId('seekbar');
  await bar.waitFor({ timeout: 30_000 });
  const box = (await bar.boundingBox())!;
  // Three quarters along a 12 s title: 9 s, the tenth one-second thumbnail.
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
  const thumb = page.getByTestId('seek-thumbnail');
  await thumb.waitFor({ timeout: 10_000 });
  const shown = await thumb.evaluate((el) => {
    const s = getComputedStyle(el);
    return { sprite: (el as HTMLElement).dataset.sprite!, image: s.backgroundImage, position: s.backgroundPosition, width: el.getBoundingClientRect().width };
  });
  assert.match(shown.sprite, /\/media\/[^/]+\/[^/]+\/sprite_001\.jpg$/);
  assert.ok(shown.image.includes('sprite_001.jpg'), shown.image);
  // 144p source: 160x90 tiles, ten to a row; 9 s is column 9 of row 0.
  assert.equal(shown.position, '-1440px 0px');
  assert.equal(shown.width, 160);
  assert.match(await page.getByTestId('seek-preview').innerText(), /0:09/);
  // The sheet is a real image the browser can load from that signed URL.
  const loaded = await page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight };
  }, shown.sprite);
  assert.deepEqual(loaded, { width: 1600, height: 180 }, 'twelve 160x90 tiles, ten to a row');

  // Clicking there seeks there.
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForFunction(() => Math.abs((document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime - 9) < 1, undefined, { timeout: 10_000 });
  await page.close();
});

test('the studio page shows a running job live: stage and percent (and ETA once known), then its end', async () => {
  const token = await f.server.partnerToken();
  const titleId = await createTitle(f.server, token, 'Live Progress');
  const clip = await makeTestClip(join(f.server.dataDir, 'live.mp4'), { seconds: 30, height: 360 });
  const page = await signedInPage(f.browser, f.server.url, { accountToken: token });
  const upload = await uploadVideo(f.server, token, { titleId, clip });
  const streams: { url: string; authorization: string | undefined }[] = [];
  page.on('request', (r) => r.url().includes('/events') && streams.push({ url: r.url(), authorization: r.headers().authorization }));
  await page.goto(`${f.server.url}/studio`);
  const stages = new Set<string>();
  const percents = new Set<string>();
  const etas = new Set<string>();
  const text = (id: string) => page.getByTestId(id).first().textContent({ timeout: 1000 }).then((t) => t ?? '', () => '');
  // Sample the row faster than the list's own 3 s polling: changes in between come from the stream.
  for (const until = Date.now() + 180_000; Date.now() < until; ) {
    const status = await text('job-status');
    stages.add(await text('job-stage'));
    percents.add(await text('job-percent'));
    if ((await page.getByTestId('job-eta').count()) > 0) etas.add(await text('job-eta'));
    if (status === 'succeeded') break;
    await page.waitForTimeout(100);
  }
  assert.equal(await page.getByTestId('job-status').first().textContent(), 'succeeded');
  assert.ok(streams.length >= 1, 'the page followed the job over its progress stream');
  for (const st of streams) {
    assert.equal(new URL(st.url).pathname, `/api/v1/studio/jobs/${upload.jobId}/events`);
    assert.equal(new URL(st.url).search, '', 'no token in the URL');
    assert.equal(st.authorization, `Bearer ${token}`);
  }
  assert.equal(await page.getByTestId('job-percent').first().textContent(), '100%');
  // Whether an ETA shows depends on how long the encode runs on this machine; when it does, it reads as time left.
  for (const eta of etas) assert.match(eta, /about \d+ (s|min \d+ s) left/);
  assert.ok(percents.size >= 4, `percents seen: ${[...percents].join(' ')}`);
  assert.ok([...stages].some((s) => s === 'encode'), `stages seen: ${[...stages].join(' ')}`);
  await page.close();
});
