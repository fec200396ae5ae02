import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mediaPathPrefix } from '../../src/modules/playback/signedUrl.ts';
import { ENCODE_JOB } from '../../src/modules/studio/index.ts';
import { apiClient } from '../support/client.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

let server: TestServer;
let api: ReturnType<typeof apiClient>;
let partnerToken: string;
let clip: string;

const CLIPS_DIR = join(import.meta.dirname, '../../../shared/datasets/clips');

async function newTitle(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post('/api/v1/studio/titles', { type: 'movie', name, genres: ['Drama'], ...extra }, partnerToken);
  assert.equal(res.status, 201);
  return res.body.id;
}

async function upload(titleId: string, file: string, opts: { filename?: string; type?: string; token?: string } = {}) {
  const form = new FormData();
  form.set('titleId', titleId);
  // Clear, so both DASH and HLS are offered (protected titles are DASH only).
  form.set('protected', 'false');
  form.set('file', new Blob([await readFile(file)], { type: opts.type ?? 'video/mp4' }), opts.filename ?? 'clip.mp4');
  return api.call('POST', '/api/v1/studio/uploads', { form, token: opts.token ?? partnerToken });
}

async function finishedJob(jobId: string, timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get(`/api/v1/studio/jobs/${jobId}`, partnerToken);
    assert.equal(res.status, 200);
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${res.body.status} at ${res.body.stage}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  server = await startTestServer({ UPLOAD_MAX_BYTES: String(5 * 1024 * 1024), ENCODE_PRESET: 'ultrafast' }, { worker: true });
  api = apiClient(server.url);
  partnerToken = await server.partnerToken();
  clip = await makeTestClip(join(server.dataDir, 'clip.mp4'), { seconds: 6, height: 360 });
});
after(() => server.close());

describe('upload, encode and play', () => {
  let titleId: string;
  let videoId: string;

  before(async () => {
    titleId = await newTitle('Test Pattern');
    const res = await upload(titleId, clip);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.ok(res.body.uploadId && res.body.jobId);
    const job = await finishedJob(res.body.jobId);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(job.progress, 1);
    assert.equal(job.titleId, titleId);
    videoId = (await api.get(`/api/v1/titles/${titleId}`)).body.videoId;
  });

  test('the encoded title is published with a videoId, duration and a poster', async () => {
    const title = (await api.get(`/api/v1/titles/${titleId}`)).body;
    assert.ok(videoId);
    assert.ok(Math.abs(title.durationSec - 6) < 0.5);
    assert.equal((await api.get(title.artwork.poster)).status, 200);
  });

  test('playback start returns signed manifests, at least 4 renditions, and serves them with the right types', async () => {
    const viewer = await api.viewer({ plan: 'premium' });
    const start = await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: 'd1' }, viewer.profileToken);
    assert.equal(start.status, 200, JSON.stringify(start.body));
    assert.equal(start.body.resumePositionSec, 0);
    assert.ok(start.body.tracks.video.length >= 4);
    assert.ok(start.body.tracks.video.every((t: { height: number }) => t.height <= 360));
    const mpd = await api.get(start.body.manifests.dash);
    assert.equal(mpd.status, 200);
    assert.equal(mpd.headers.get('content-type'), 'application/dash+xml');
    assert.equal((mpd.body.match(/<Representation /g) ?? []).length >= 5, true, 'video renditions plus audio');
    const hls = await api.get(start.body.manifests.hls);
    assert.equal(hls.status, 200);
    assert.match(hls.headers.get('content-type') ?? '', /mpegurl/);
    const variant = hls.body.split('\n').find((l: string) => l.endsWith('.m3u8'));
    const base = start.body.manifests.hls.slice(0, start.body.manifests.hls.lastIndexOf('/') + 1);
    const playlist = await api.get(base + variant);
    assert.equal(playlist.status, 200);
    const segment = playlist.body.split('\n').find((l: string) => l && !l.startsWith('#'));
    const ranged = await api.call('GET', base + segment, { headers: { range: 'bytes=0-99' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range')?.startsWith('bytes 0-99/'), true);
    assert.match(ranged.headers.get('cache-control') ?? '', /max-age=\d+/);
    assert.equal((await api.call('GET', base + segment, { headers: { range: 'bytes=99999999-' } })).status, 416);
  });

  test('a tampered, forged or expired media URL is 403', async () => {
    const viewer = await api.viewer();
    const start = await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
    const dash: string = start.body.manifests.dash;
    const [, , token] = dash.split('/');
    const [playbackId, expiry, sig] = token!.split('.');
    const flip = sig!.endsWith('A') ? 'B' : 'A';
    for (const forged of [
      dash.replace(token!, `${playbackId}.${expiry}.${sig!.slice(0, -1)}${flip}`),
      dash.replace(token!, `${playbackId}.${Number(expiry) + 3600}.${sig}`),
      dash.replace(token!, `other-playback.${expiry}.${sig}`),
      dash.replace(token!, 'not-a-token'),
    ]) {
      const res = await api.get(forged);
      assert.equal(res.status, 403, forged);
    }
    const video = await server.m.services.studio.video(videoId);
    const expired = `${mediaPathPrefix(server.m.config.urlSigningSecret, { playbackId: playbackId!, assetId: video!.assetId, expiresAtSec: Math.floor(Date.now() / 1000) - 1 })}/manifest.mpd`;
    const res = await api.get(expired);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'url_expired');
  });

  test('progress feeds continue watching and the next start resumes there', async () => {
    const viewer = await api.viewer();
    assert.equal((await api.post('/api/v1/progress', { videoId, positionSec: 3.5, durationSec: 6 }, viewer.profileToken)).status, 202);
    const cw = await api.get('/api/v1/continue-watching', viewer.profileToken);
    assert.equal(cw.body.items.length, 1);
    assert.equal(cw.body.items[0].titleId, titleId);
    assert.equal(cw.body.items[0].positionSec, 3.5);
    assert.ok(cw.body.items[0].progress > 0.5 && cw.body.items[0].progress < 0.7);
    const start = await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
    assert.equal(start.body.resumePositionSec, 3.5);
    const home = await api.get('/api/v1/home', viewer.profileToken);
    assert.equal(home.body.rows[0].kind, 'continue_watching');
    assert.equal(home.body.rows[0].items[0].id, titleId);
    // Watching to the end takes it out of continue watching and resets the resume point.
    await api.post(`/api/v1/playback/${start.body.playbackId}/stop`, { positionSec: 5.9 }, viewer.profileToken);
    assert.equal((await api.get('/api/v1/continue-watching', viewer.profileToken)).body.items.length, 0);
    assert.equal((await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken)).body.resumePositionSec, 0);
    // Another profile's progress is its own.
    const other = await api.viewer();
    assert.equal((await api.get('/api/v1/continue-watching', other.profileToken)).body.items.length, 0);
  });

  test('progress for an unknown video is 404; a bad body is 400', async () => {
    const viewer = await api.viewer();
    assert.equal((await api.post('/api/v1/progress', { videoId: 'nope', positionSec: 1 }, viewer.profileToken)).status, 404);
    const bad = await api.post('/api/v1/progress', { videoId, positionSec: -1 }, viewer.profileToken);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'positionSec');
  });

  test('heartbeats keep the session; a stopped session is 404; a basic plan gets one screen', async () => {
    const viewer = await api.viewer({ plan: 'basic' });
    const first = await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: 'phone' }, viewer.profileToken);
    assert.equal(first.status, 200);
    const second = await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: 'tv' }, viewer.profileToken);
    assert.equal(second.status, 429);
    assert.equal(second.body.error.code, 'too_many_streams');
    assert.ok(second.headers.get('retry-after'));
    assert.equal((await api.post(`/api/v1/playback/${first.body.playbackId}/heartbeat`, { positionSec: 2 }, viewer.profileToken)).status, 204);
    assert.equal((await api.post(`/api/v1/playback/${first.body.playbackId}/stop`, { positionSec: 2.5 }, viewer.profileToken)).status, 204);
    assert.equal((await api.post(`/api/v1/playback/${first.body.playbackId}/heartbeat`, { positionSec: 3 }, viewer.profileToken)).status, 404);
    assert.equal((await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: 'tv' }, viewer.profileToken)).status, 200);
  });

  test('playback needs a profile token; unknown video is 404; a kids profile is refused an adult title', async () => {
    const acct = await api.signup();
    assert.equal((await api.post(`/api/v1/playback/${videoId}/start`, {})).status, 401);
    assert.equal((await api.post(`/api/v1/playback/${videoId}/start`, {}, acct.accessToken)).status, 403);
    const viewer = await api.viewer();
    assert.equal((await api.post('/api/v1/playback/unknown/start', {}, viewer.profileToken)).status, 404);
    const kid = await api.viewer({ kids: true });
    const refused = await api.post(`/api/v1/playback/${videoId}/start`, {}, kid.profileToken);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'maturity_restricted');
  });
});

describe('bad uploads', () => {
  test('a corrupt file ends as a failed job with a clear code and publishes nothing', async () => {
    const titleId = await newTitle('Broken');
    const junk = join(server.dataDir, 'junk.mp4');
    await import('node:fs/promises').then((fs) => fs.writeFile(junk, Buffer.from('this is not a video at all '.repeat(400))));
    const res = await upload(titleId, junk);
    assert.equal(res.status, 202);
    const job = await finishedJob(res.body.jobId);
    assert.equal(job.status, 'failed');
    assert.equal(job.error.code, 'not_a_video');
    assert.equal((await api.get(`/api/v1/titles/${titleId}`)).status, 404);
    assert.equal(existsSync(join(server.dataDir, 'objects/videos', res.body.videoId)), false);
  });

  test('a truncated video fails the job and publishes nothing', async () => {
    const titleId = await newTitle('Truncated');
    const whole = await readFile(clip);
    const cut = join(server.dataDir, 'cut.mp4');
    await import('node:fs/promises').then((fs) => fs.writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.3))));
    const job = await finishedJob((await upload(titleId, cut)).body.jobId);
    assert.equal(job.status, 'failed');
    assert.match(job.error.code, /^(media_corrupt|not_a_video)$/);
    assert.equal((await api.get(`/api/v1/titles/${titleId}`)).status, 404);
  });

  test('wrong media type is 415, too large is 413, missing fields 400, unknown title 400, not a partner 403', async () => {
    const titleId = await newTitle('Refusals');
    const text = join(server.dataDir, 'notes.txt');
    await import('node:fs/promises').then((fs) => fs.writeFile(text, 'hello'));
    assert.equal((await upload(titleId, text, { filename: 'notes.txt', type: 'text/plain' })).status, 415);
    const big = join(server.dataDir, 'big.mp4');
    await import('node:fs/promises').then((fs) => fs.writeFile(big, Buffer.alloc(6 * 1024 * 1024, 1)));
    assert.equal((await upload(titleId, big)).status, 413);
    const noTitle = new FormData();
    noTitle.set('file', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'clip.mp4');
    const missing = await api.call('POST', '/api/v1/studio/uploads', { form: noTitle, token: partnerToken });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.field, 'titleId');
    const unknown = await upload('no-such-title', clip);
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.field, 'titleId');
    const viewer = await api.signup();
    assert.equal((await upload(titleId, clip, { token: viewer.accessToken })).status, 403);
    assert.equal((await api.post('/api/v1/studio/uploads', { titleId }, partnerToken)).status, 415);
    // Nothing was stored for any refused upload.
    const uploads = join(server.dataDir, 'objects/uploads');
    const stored = existsSync(uploads) ? readdirSync(uploads).length : 0;
    assert.equal(stored, 3, 'only the three accepted uploads so far keep their sources');
  });

  test("a partner cannot see another partner's job", async () => {
    const other = await api.signup();
    await server.m.services.identity.setRole(other.accountId, 'partner');
    const otherToken = (await api.post('/api/v1/auth/login', { email: other.email, password: other.password })).body.accessToken;
    const titleId = await newTitle('Private');
    const res = await upload(titleId, clip);
    assert.equal((await api.get(`/api/v1/studio/jobs/${res.body.jobId}`, otherToken)).status, 403);
    assert.equal((await api.get('/api/v1/studio/jobs/unknown', partnerToken)).status, 404);
    await finishedJob(res.body.jobId);
  });
});

describe('worker crash', () => {
  test("a crashed worker's job is picked up again by another worker", async () => {
    await server.worker!.stop();
    const titleId = await newTitle('Phoenix');
    const res = await upload(titleId, clip);
    // A worker claims the job with a 1 s lease and dies without a word.
    const claimed = await server.m.queue.claim('doomed-worker', [ENCODE_JOB], 1);
    assert.equal(claimed?.id, res.body.jobId);
    server.startWorker();
    const job = await finishedJob(res.body.jobId);
    assert.equal(job.status, 'succeeded');
    assert.equal((await server.m.queue.get(res.body.jobId))?.attempts, 2);
    assert.equal((await api.get(`/api/v1/titles/${titleId}`)).status, 200);
  });
});

describe('real clips', { skip: existsSync(CLIPS_DIR) ? false : 'shared/datasets/clips is absent' }, () => {
  test('a Creative Commons clip ingests, encodes and plays', async () => {
    const file = join(CLIPS_DIR, readdirSync(CLIPS_DIR).find((f) => f.startsWith('bbb-intro'))!);
    const form = new FormData();
    form.set('file', new Blob([await readFile(file)], { type: 'video/webm' }), 'bbb.webm');
    const big = await startTestServer({ ENCODE_PRESET: 'ultrafast' }, { worker: true });
    try {
      const bigApi = apiClient(big.url);
      const p = await bigApi.signup();
      await big.m.services.identity.setRole(p.accountId, 'partner');
      const token = (await bigApi.post('/api/v1/auth/login', { email: p.email, password: p.password })).body.accessToken;
      const title = await bigApi.post('/api/v1/studio/titles', { type: 'movie', name: 'BBB' }, token);
      const upload = new FormData();
      upload.set('titleId', title.body.id);
      upload.set('file', form.get('file')!);
      const res = await bigApi.call('POST', '/api/v1/studio/uploads', { form: upload, token });
      assert.equal(res.status, 202);
      let job;
      for (;;) {
        job = (await bigApi.get(`/api/v1/studio/jobs/${res.body.jobId}`, token)).body;
        if (job.status === 'succeeded' || job.status === 'failed') break;
        await new Promise((r) => setTimeout(r, 300));
      }
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      const viewer = await bigApi.viewer();
      const videoId = (await bigApi.get(`/api/v1/titles/${title.body.id}`)).body.videoId;
      const start = await bigApi.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
      assert.ok(start.body.tracks.video.length >= 4);
      assert.ok(start.body.tracks.video[0].height <= 720);
      assert.equal((await bigApi.get(start.body.manifests.dash)).status, 200);
    } finally {
      await big.close();
    }
  });
});
