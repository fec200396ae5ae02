import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createEdge, type Edge } from '../../src/modules/delivery/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMetrics } from '../../src/platform/metrics.ts';
import { apiClient } from '../support/client.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

/**
 * The plan's maximum resolution holds beyond the manifest: a session's signed media URLs name the
 * renditions it may fetch, so a basic-plan viewer guessing the 1080p segment names gets 403 from
 * the origin and from an edge (which has no database), while its own 720p plays.
 */
const SECRET = 'rendition-cap-secret-0123456789abcdefghijkl';
let server: TestServer;
let api: ReturnType<typeof apiClient>;
let videoId: string;
let edge: Edge;
/** Representation id by height, from a premium session's (unfiltered) MPD. */
const idOf = new Map<number, string>();
/** The packager's file names, from the MPD's SegmentTemplate. */
let template: { init: string; media: string };

const dirOf = (manifestUrl: string) => manifestUrl.slice(0, manifestUrl.lastIndexOf('/') + 1);

async function session(plan: 'basic' | 'premium'): Promise<{ dash: string; hls: string; base: string }> {
  const viewer = await api.viewer({ plan });
  const start = await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
  assert.equal(start.status, 200, JSON.stringify(start.body));
  const { dash, hls } = start.body.manifests as { dash: string; hls: string | null };
  assert.ok(hls, 'a clear title is offered over HLS');
  return { dash, hls, base: dirOf(dash) };
}

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', ENCODE_VP9_RUNGS: '0', URL_SIGNING_SECRET: SECRET }, { worker: true });
  api = apiClient(server.url);
  const partnerToken = await server.partnerToken();
  const titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Full HD Pattern', genres: ['Drama'] }, partnerToken)).body.id;
  const clip = await makeTestClip(join(server.dataDir, 'hd.mp4'), { seconds: 2, height: 1080 });
  const form = new FormData();
  form.set('titleId', titleId);
  form.set('ladder', 'fixed');
  form.set('protected', 'false');
  form.set('file', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'hd.mp4');
  const upload = await api.call('POST', '/api/v1/studio/uploads', { form, token: partnerToken });
  assert.equal(upload.status, 202, JSON.stringify(upload.body));
  await server.m.services.studio.waitForJob(upload.body.jobId, () => undefined, 200);
  videoId = (await api.get(`/api/v1/titles/${titleId}`)).body.videoId;

  const full = await session('premium');
  const mpd = (await api.get(full.dash)).body as string;
  template = { init: /initialization="([^"]+)"/.exec(mpd)![1]!, media: /media="([^"]+)"/.exec(mpd)![1]! };
  for (const m of mpd.matchAll(/<Representation\b[^>]*\bid="(\d+)"[^>]*\bheight="(\d+)"/g)) idOf.set(Number(m[2]), m[1]!);
  assert.ok(idOf.has(1080) && idOf.has(720), `the ladder of a 1080p source has 1080p and 720p: ${[...idOf.keys()].join(', ')}`);

  edge = await createEdge({ region: 'test', capacityBytes: 64 * 1024 * 1024, originUrl: server.url, secret: SECRET, register: false, metrics: createMetrics(), log: createLogger('silent') });
  await edge.listen(0);
});
after(async () => {
  await edge?.close();
  await server?.close();
});

const files = (height: number) => {
  const fill = (t: string) => t.replace('$RepresentationID$', idOf.get(height)!).replace(/\$Number%05d\$/, '00001');
  return [fill(template.init), fill(template.media), `media_${idOf.get(height)}.m3u8`];
};

describe('maximum resolution by plan, enforced on every media request', () => {
  for (const [where, host] of [
    ['the origin', () => server.url],
    ['an edge', () => edge.url],
  ] as const) {
    test(`through ${where}: a premium session fetches 1080p; a basic session's 1080p files are 403 (cached or not), its 720p files 200`, async () => {
      const premium = await session('premium');
      for (const f of files(1080)) assert.equal((await fetch(`${host()}${premium.base}${f}`)).status, 200, f);
      const basic = await session('basic');
      for (const f of files(1080)) {
        const res = await fetch(`${host()}${basic.base}${f}`);
        assert.equal(res.status, 403, f);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'rendition_not_allowed', f);
      }
      for (const f of files(720)) assert.equal((await fetch(`${host()}${basic.base}${f}`)).status, 200, f);
      // Its manifests list only what it may fetch; a clear title is offered over HLS too.
      const mpd = await (await fetch(`${host()}${basic.dash}`)).text();
      assert.ok(!mpd.includes('height="1080"') && mpd.includes('height="720"'), mpd);
      const master = await (await fetch(`${host()}${basic.hls}`)).text();
      const heights = [...master.matchAll(/RESOLUTION=\d+x(\d+)/g)].map((m) => Number(m[1]));
      assert.ok(heights.includes(720) && heights.every((h) => h <= 720), master);
    });
  }

  test('a basic URL edited to drop its rendition list is refused as forged', async () => {
    const basic = await session('basic');
    const forged = basic.base.replace(/\.r[\d-]+\./, '.');
    assert.notEqual(forged, basic.base, 'the basic token names its renditions');
    const res = await fetch(`${server.url}${forged}${files(1080)[1]}`);
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'url_signature_invalid');
  });
});
