import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

// Per-title analysis on a tiny clip: 4 s at 240 lines gives one 2 s sample and small trials.
let server: TestServer;
let api: ReturnType<typeof apiClient>;
let partnerToken: string;
let clip: string;

async function upload(fields: Record<string, string>, token = partnerToken) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'clip.mp4');
  return api.call('POST', '/api/v1/studio/uploads', { form, token });
}

async function finishedJob(jobId: string, timeoutMs = 600_000) {
  const until = Date.now() + timeoutMs;
  const stages = new Set<string>();
  for (;;) {
    const res = await api.get(`/api/v1/studio/jobs/${jobId}`, partnerToken);
    assert.equal(res.status, 200);
    stages.add(res.body.stage);
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return { job: res.body, stages };
    if (Date.now() > until) throw new Error(`job ${jobId} still ${res.body.status} at ${res.body.stage}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast' }, { worker: true });
  api = apiClient(server.url);
  partnerToken = await server.partnerToken();
  clip = await makeTestClip(join(server.dataDir, 'clip.mp4'), { seconds: 4, height: 240 });
});
after(() => server.close());

describe('per-title ladder', () => {
  let titleId: string;
  let videoId: string;
  let stages: Set<string>;

  before(async () => {
    titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Hull', genres: ['Drama'] }, partnerToken)).body.id;
    const res = await upload({ titleId, ladder: 'per-title', protected: 'false' });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    videoId = res.body.videoId;
    const done = await finishedJob(res.body.jobId);
    assert.equal(done.job.status, 'succeeded', JSON.stringify(done.job));
    stages = done.stages;
  });

  test('the studio API returns the trial points, their convex hull and every rung with its measured VMAF', async () => {
    const res = await api.get(`/api/v1/studio/videos/${videoId}`, partnerToken);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const ladder = res.body.ladder;
    assert.equal(ladder.mode, 'per-title');
    assert.equal(ladder.metric, 'vmaf', ladder.note);
    assert.ok(ladder.samples.length >= 1);
    assert.ok(ladder.points.length >= 8, 'several sizes x several CRFs');
    assert.ok(new Set(ladder.points.map((p: { height: number }) => p.height)).size >= 2, 'more than one resolution tried');
    const key = (p: { width: number; height: number; crf: number }) => `${p.width}x${p.height}@${p.crf}`;
    const pointKeys = new Set(ladder.points.map(key));
    assert.ok(ladder.hull.length >= 2 && ladder.hull.every((p: { width: number; height: number; crf: number }) => pointKeys.has(key(p))));
    for (let i = 1; i < ladder.hull.length; i++) {
      assert.ok(ladder.hull[i].kbps > ladder.hull[i - 1].kbps && ladder.hull[i].score > ladder.hull[i - 1].score, 'hull rises with bitrate');
    }
    for (const p of ladder.points) assert.ok(p.score > 0 && p.score <= 100 && p.kbps > 0);
    const h264 = ladder.rungs.filter((r: { codec: string }) => r.codec.startsWith('avc1.'));
    const vp9 = ladder.rungs.filter((r: { codec: string }) => r.codec.startsWith('vp09.'));
    assert.ok(h264.length >= 2, JSON.stringify(ladder.rungs));
    assert.ok(vp9.length >= 1);
    for (const r of ladder.rungs) assert.ok(typeof r.score === 'number' && r.score > 20 && r.score <= 100, JSON.stringify(r));
    // Every H.264 rung is a hull point's size and CRF.
    const hullKeys = new Set(ladder.hull.map(key));
    for (const r of h264) assert.ok(hullKeys.has(key(r)), key(r));
    assert.deepEqual(res.body.renditions.map((r: { codec: string }) => r.codec), ladder.rungs.map((r: { codec: string }) => r.codec));
  });

  test('progress went through the analyse and encode stages', () => {
    // Polled, so only stages that last long enough to be seen: scoring this small clip's rungs
    // and publishing can pass between two polls on a quiet machine (the rungs' scores above
    // show that scoring ran).
    for (const stage of ['analyse', 'encode']) assert.ok(stages.has(stage), `${stage} in ${[...stages].join(',')}`);
  });

  test('the DASH manifest declares both codecs in separate adaptation sets, and HLS lists both', async () => {
    const viewer = await api.viewer({ plan: 'premium' });
    const start = await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: 'd1' }, viewer.profileToken);
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const mpd: string = (await api.get(start.body.manifests.dash)).body;
    const sets = [...mpd.matchAll(/<AdaptationSet\b[\s\S]*?<\/AdaptationSet>/g)].map((m) => m[0]);
    const codecsOf = (set: string) => [...set.matchAll(/codecs="([^"]+)"/g)].map((m) => m[1]!);
    const videoSets = sets.filter((s) => /contentType="video"/.test(s)).map(codecsOf);
    assert.equal(videoSets.length, 2, mpd);
    assert.ok(videoSets[0]!.every((c) => c.startsWith('avc1.')));
    assert.ok(videoSets[1]!.length >= 1 && videoSets[1]!.every((c) => c.startsWith('vp09.')));
    assert.ok(!/\.webm"/.test(mpd), 'VP9 is packaged as CMAF too');
    const hls: string = (await api.get(start.body.manifests.hls)).body;
    assert.match(hls, /CODECS="avc1\.[^"]*"/);
    assert.match(hls, /CODECS="vp09\.[^"]*"/);
  });

  test('the partner sees the upload in their job list; another partner cannot read the video', async () => {
    const list = await api.get('/api/v1/studio/jobs', partnerToken);
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((j: { videoId: string; filename: string }) => j.videoId === videoId && j.filename === 'clip.mp4'));
    const other = await server.partnerToken();
    assert.equal((await api.get(`/api/v1/studio/videos/${videoId}`, other)).status, 403);
    assert.equal((await api.get('/api/v1/studio/jobs', other)).body.items.length, 0);
    assert.equal((await api.get('/api/v1/studio/videos/nope', partnerToken)).status, 404);
  });
});

test('an unknown ladder mode is a 400 and stores nothing', async () => {
  const titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Bad ladder', genres: ['Drama'] }, partnerToken)).body.id;
  const res = await upload({ titleId, ladder: 'best' });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, 'invalid_ladder');
});
