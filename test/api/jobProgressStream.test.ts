import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { createTitle, uploadVideo } from '../support/studio.ts';

let server: TestServer;
let api: ReturnType<typeof apiClient>;
let partnerToken: string;

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast' }, { worker: true });
  api = apiClient(server.url);
  partnerToken = await server.partnerToken();
});
after(() => server.close());

type SseEvent = { event: string; data: Record<string, unknown> };

/** Reads a Server-Sent Events response to its end, as the studio page does (fetch, token in a header). */
async function readEvents(path: string, token: string): Promise<{ status: number; type: string | null; events: SseEvent[]; comments: number }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
  const text = await res.text();
  const events: SseEvent[] = [];
  let comments = 0;
  for (const block of text.split('\n\n')) {
    if (block.startsWith(':')) comments++;
    const event = /^event: (.+)$/m.exec(block)?.[1];
    const data = /^data: (.+)$/m.exec(block)?.[1];
    if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
  }
  return { status: res.status, type: res.headers.get('content-type'), events, comments };
}

describe('job progress stream', () => {
  let jobId: string;
  let stream: Awaited<ReturnType<typeof readEvents>>;
  let videoId: string;

  before(async () => {
    const titleId = await createTitle(server, partnerToken, 'Progress');
    const clip = await makeTestClip(join(server.dataDir, 'clip.mp4'), { seconds: 12, height: 360 });
    ({ jobId, videoId } = await uploadVideo(server, partnerToken, { titleId, clip }));
    stream = await readEvents(`/api/v1/studio/jobs/${jobId}/events`, partnerToken);
  });

  test('streams several progress events with stage and ETA, ending with the terminal state', () => {
    assert.equal(stream.status, 200);
    assert.match(stream.type ?? '', /^text\/event-stream/);
    const progress = stream.events.filter((e) => e.event === 'progress');
    assert.ok(progress.length >= 3, `${progress.length} progress events: ${JSON.stringify(stream.events.map((e) => [e.data.stage, e.data.progress]))}`);
    const stages = new Set(progress.map((e) => e.data.stage));
    assert.ok(stages.size >= 3, `stages seen: ${[...stages].join(', ')}`);
    for (const e of progress) {
      assert.equal(e.data.jobId, jobId);
      assert.ok(e.data.etaSec === null || (typeof e.data.etaSec === 'number' && e.data.etaSec >= 0));
    }
    const values = progress.map((e) => e.data.progress as number);
    values.forEach((v, i) => i > 0 && assert.ok(v >= values[i - 1]!, `progress never goes back: ${values.join(' ')}`));
    const last = stream.events.at(-1)!;
    assert.equal(last.event, 'end');
    assert.equal(last.data.status, 'succeeded');
    assert.equal(last.data.progress, 1);
    assert.equal(last.data.etaSec, 0);
    assert.deepEqual(progress.at(-1)!.data, last.data, 'the end event repeats the final state');
  });

  test('a finished job streams its final state at once', async () => {
    const again = await readEvents(`/api/v1/studio/jobs/${jobId}/events`, partnerToken);
    assert.deepEqual(again.events.map((e) => e.event), ['progress', 'end']);
    assert.equal(again.events[1]!.data.status, 'succeeded');
  });

  test("another partner gets 403, an unknown job 404, no token 401, and no stream", async () => {
    const other = await server.partnerToken();
    const theirs = await fetch(`${server.url}/api/v1/studio/jobs/${jobId}/events`, { headers: { authorization: `Bearer ${other}` } });
    assert.equal(theirs.status, 403);
    assert.match(theirs.headers.get('content-type') ?? '', /json/);
    assert.equal(((await theirs.json()) as { error: { code: string } }).error.code, 'not_your_job');
    assert.equal((await fetch(`${server.url}/api/v1/studio/jobs/no-such-job/events`, { headers: { authorization: `Bearer ${partnerToken}` } })).status, 404);
    assert.equal((await fetch(`${server.url}/api/v1/studio/jobs/${jobId}/events`)).status, 401);
  });

  test('playback start returns the trick-play track; it and its sprite sheet are served under the signed path', async () => {
    const viewer = await api.viewer({ plan: 'premium' });
    const start = await api.post(`/api/v1/playback/${videoId}/start`, { deviceId: 'tp' }, viewer.profileToken);
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const vttUrl = start.body.thumbnailsVtt as string;
    assert.match(vttUrl, /^\/media\/[^/]+\/[^/]+\/thumbnails\.vtt$/);
    const vtt = await fetch(`${server.url}${vttUrl}`);
    assert.equal(vtt.status, 200);
    assert.match(vtt.headers.get('content-type') ?? '', /^text\/vtt/);
    const text = await vtt.text();
    const cues = [...text.matchAll(/^(sprite_\d{3}\.jpg)#xywh=\d+,\d+,\d+,\d+$/gm)];
    assert.equal(cues.length, 12, 'one cue a second for 12 s');
    const sprite = await fetch(`${server.url}${vttUrl.replace(/thumbnails\.vtt$/, cues[0]![1]!)}`);
    assert.equal(sprite.status, 200);
    assert.equal(sprite.headers.get('content-type'), 'image/jpeg');
    const tampered = await fetch(`${server.url}${vttUrl.replace(/\/media\/[^/]+\//, '/media/forged/')}`);
    assert.equal(tampered.status, 403, 'the track is behind the same URL signature as the segments');
  });

  test('the title gets a backdrop of its own, apart from the poster', async () => {
    const titleId = (await api.get(`/api/v1/studio/videos/${videoId}`, partnerToken)).body.titleId as string;
    const title = (await api.get(`/api/v1/titles/${titleId}`)).body;
    assert.ok(title.artwork.backdrop && title.artwork.poster);
    assert.notEqual(title.artwork.backdrop, title.artwork.poster);
    assert.equal((await fetch(`${server.url}${title.artwork.backdrop}`)).status, 200);
  });
});
