import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { ffmpegPath, makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { createTitle, uploadVideo } from '../support/studio.ts';

// The QC gate end to end on generated clips. The server scores per-title rungs against an
// impossible VMAF floor (QC_VMAF_FLOOR=99.9); fixed-ladder uploads are not scored, so the floor
// does not touch them.
const run = promisify(execFile);
const ADMIN = { email: 'qc-admin@example.com', password: 'qc-admin-password' };

let server: TestServer;
let api: ReturnType<typeof apiClient>;
let partnerToken: string;
let adminToken: string;

/** 10 s at 240p: 3 s moving, 2 s frozen on one frame, 2 s black, 3 s moving; a tone throughout. */
async function blackAndFrozenClip(out: string): Promise<string> {
  const part = (d: number) => `testsrc2=s=320x240:r=25:d=${d}`;
  const graph = `${part(3)}[a];${part(0.04)},loop=loop=49:size=1:start=0[b];color=c=black:s=320x240:r=25:d=2[c];${part(3)}[d];[a][b][c][d]concat=n=4:v=1:a=0[out0]`;
  await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', graph, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', out]);
  return out;
}

/** 4 s at 240p whose audio starts 200 ms after the picture. */
async function lateAudioClip(out: string): Promise<string> {
  await run(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=4', '-itsoffset', '0.2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=4', '-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', out]);
  return out;
}

/** A new title, the clip uploaded to it, and the job waited for. */
async function ingest(name: string, clip: string, options: { ladder?: 'per-title' } = {}) {
  const titleId = await createTitle(server, partnerToken, name);
  const { jobId, videoId } = await uploadVideo(server, partnerToken, { titleId, clip, protected: false, ...options });
  const until = Date.now() + 300_000;
  for (;;) {
    const job = await api.get(`/api/v1/studio/jobs/${jobId}`, partnerToken);
    if (job.body.status === 'succeeded' || job.body.status === 'failed') {
      const video = await api.get(`/api/v1/studio/videos/${videoId}`, partnerToken);
      assert.equal(video.status, 200);
      return { titleId, videoId, job: job.body, video: video.body };
    }
    if (Date.now() > until) throw new Error(`job still ${job.body.status} at ${job.body.stage}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const publishedVideo = async (titleId: string) => ((await api.get(`/api/v1/studio/titles/${titleId}`, partnerToken)).body.videoId ?? null) as string | null;
const check = (qc: { checks: { kind: string; subject: string; status: string }[] }, kind: string) => qc.checks.filter((c) => c.kind === kind);

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', QC_VMAF_FLOOR: '99.9', MARQUEE_ADMIN_EMAIL: ADMIN.email, MARQUEE_ADMIN_PASSWORD: ADMIN.password }, { worker: true });
  api = apiClient(server.url);
  partnerToken = await server.partnerToken();
  adminToken = (await api.post('/api/v1/auth/login', ADMIN)).body.accessToken;
});
after(() => server.close());

describe('QC gate', () => {
  test('a normal clip passes every check and is published, with its report in the studio API', async () => {
    const clip = await makeTestClip(join(server.dataDir, 'normal.mp4'), { seconds: 4, height: 240 });
    const { titleId, videoId, job, video } = await ingest('Normal', clip);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(video.status, 'ready');
    assert.equal(video.qc.verdict, 'pass', JSON.stringify(video.qc));
    const decoded = check(video.qc, 'decode');
    assert.equal(decoded.length, video.renditions.length + 1, 'every video rendition and the audio');
    assert.ok(decoded.every((c) => c.status === 'pass'));
    assert.ok([...check(video.qc, 'duration'), ...check(video.qc, 'sync')].every((c) => c.status === 'pass'));
    // Fixed ladder: quality is reported as not measured, never as a pass.
    assert.ok(check(video.qc, 'quality').length > 0 && check(video.qc, 'quality').every((c) => c.status === 'not_measured'));
    assert.deepEqual([video.qc.black, video.qc.frozen], [[], []]);
    assert.equal(await publishedVideo(titleId), videoId);
  });

  test('black and frozen stretches are reported with their times, warn, and do not block', async () => {
    const clip = await blackAndFrozenClip(join(server.dataDir, 'stretches.mp4'));
    const { titleId, videoId, job, video } = await ingest('Stretches', clip);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(video.qc.verdict, 'pass');
    assert.equal(video.qc.black.length, 1, JSON.stringify(video.qc.black));
    assert.ok(Math.abs(video.qc.black[0].startSec - 5) < 0.2 && Math.abs(video.qc.black[0].endSec - 7) < 0.2, JSON.stringify(video.qc.black));
    assert.equal(video.qc.frozen.length, 1, JSON.stringify(video.qc.frozen));
    assert.ok(video.qc.frozen[0].startSec >= 2.9 && video.qc.frozen[0].startSec < 3.5 && Math.abs(video.qc.frozen[0].endSec - 5) < 0.2, JSON.stringify(video.qc.frozen));
    assert.deepEqual(
      ['black', 'frozen'].map((k) => check(video.qc, k)[0]!.status),
      ['warn', 'warn'],
    );
    assert.equal(await publishedVideo(titleId), videoId);
  });

  describe('a clip whose audio is 200 ms late', () => {
    let titleId: string;
    let videoId: string;
    let ingested: Awaited<ReturnType<typeof ingest>>;

    before(async () => {
      ingested = await ingest('Late Audio', await lateAudioClip(join(server.dataDir, 'late.mp4')));
      ({ titleId, videoId } = ingested);
    });

    test('fails QC: the job fails with qc_failed and a readable reason, the video is held back with its report', async () => {
      const { job, video } = ingested;
      assert.equal(job.status, 'failed');
      assert.equal(job.error.code, 'qc_failed');
      assert.match(job.error.message, /^QC failed 1 of \d+ checks: audio sync: audio starts 1\d\d ms after the video/);
      assert.equal(video.status, 'qc_failed');
      assert.equal(video.qc.verdict, 'fail');
      const sync = check(video.qc, 'sync')[0]!;
      assert.equal(sync.status, 'fail');
      assert.ok((sync as unknown as { measured: number }).measured > 100);
      assert.equal(await publishedVideo(titleId), null, 'not published');
      assert.ok(await server.m.objects.stat(`videos/${videoId}/${video.files.dash}`), 'assets are kept for an override');
      const viewer = await api.viewer();
      const start = await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
      assert.ok([404, 409].includes(start.status), `a held-back video does not play: ${start.status}`);
    });

    test('only an admin may override, with a reason, and only a video QC held back', async () => {
      const url = `/api/v1/admin/videos/${videoId}/qc-override`;
      assert.equal((await api.post(url, { reason: 'intended' }, partnerToken)).status, 403);
      assert.equal((await api.post(url, { reason: 'intended' })).status, 401);
      for (const body of [{}, { reason: '   ' }, { reason: 42 }]) {
        const res = await api.post(url, body, adminToken);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, 'reason_required');
      }
      assert.equal((await api.post('/api/v1/admin/videos/no-such-video/qc-override', { reason: 'x' }, adminToken)).status, 404);
      assert.equal(await publishedVideo(titleId), null);
    });

    test('an admin override publishes it as encoded and records who and why', async () => {
      const url = `/api/v1/admin/videos/${videoId}/qc-override`;
      const res = await api.post(url, { reason: 'The offset is in the master; the distributor signed it off.' }, adminToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.status, 'ready');
      const video = (await api.get(`/api/v1/studio/videos/${videoId}`, partnerToken)).body;
      assert.equal(video.status, 'ready');
      assert.equal(video.qc.verdict, 'fail', 'the verdict stands; the override is recorded beside it');
      assert.equal(video.qc.override.reason, 'The offset is in the master; the distributor signed it off.');
      assert.ok(video.qc.override.by && video.qc.override.at);
      assert.equal(await publishedVideo(titleId), videoId);
      const viewer = await api.viewer();
      assert.equal((await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken)).status, 200);
      const again = await api.post(url, { reason: 'twice' }, adminToken);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'video_not_qc_failed');
    });
  });

  test('a per-title rung below the configured VMAF floor fails QC and is not published', async () => {
    const clip = await makeTestClip(join(server.dataDir, 'pertitle.mp4'), { seconds: 4, height: 240 });
    const { titleId, job, video } = await ingest('Floor', clip, { ladder: 'per-title' });
    assert.equal(job.status, 'failed', JSON.stringify(job));
    assert.equal(job.error.code, 'qc_failed');
    assert.equal(video.status, 'qc_failed');
    const quality = check(video.qc, 'quality') as unknown as { status: string; message: string; limit: number }[];
    assert.ok(quality.length >= 2);
    assert.ok(quality.some((c) => c.status === 'fail' && c.limit === 99.9 && /floor 99\.9/.test(c.message)), JSON.stringify(quality));
    assert.ok(check(video.qc, 'decode').every((c) => c.status === 'pass'), 'only quality failed');
    assert.equal(await publishedVideo(titleId), null);
  });
});
