import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createEdge } from '../../src/modules/delivery/index.ts';
import { mediaPathPrefix, nginxMediaPathPrefix } from '../../src/modules/playback/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMetrics } from '../../src/platform/metrics.ts';
import { apiClient } from '../support/client.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { type NginxEdge, nginxBinary, startNginxEdge } from '../support/nginx.ts';

const SECRET = 'nginx-edge-test-secret-0123456789abcdefghij';
// Under CI nginx must be there (.ci/run installs it): a missing one fails rather than skips.
const skip = nginxBinary() || process.env.CI === 'true' ? false : 'nginx is not installed (apt-get install nginx-light)';
let server: TestServer;
let api: ReturnType<typeof apiClient>;
let nginx: NginxEdge;
let videoId: string;

before(async () => {
  if (skip) return;
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', URL_SIGNING_SECRET: SECRET }, { worker: true });
  api = apiClient(server.url);
  const partner = await api.signup();
  await server.m.services.identity.setRole(partner.accountId, 'partner');
  const token = (await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password })).body.accessToken;
  const titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Nginx Pattern', genres: ['Drama'] }, token)).body.id;
  const form = new FormData();
  form.set('titleId', titleId);
  const clip = await makeTestClip(join(server.dataDir, 'nginx.mp4'), { seconds: 6, height: 240 });
  form.set('file', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'nginx.mp4');
  const upload = await api.call('POST', '/api/v1/studio/uploads', { form, token });
  [nginx] = await Promise.all([startNginxEdge({ origin: server.url, prefix: join(server.dataDir, 'nginx'), secret: SECRET }), server.m.services.studio.waitForJob(upload.body.jobId, () => undefined, 100)]);
  videoId = (await api.get(`/api/v1/titles/${titleId}`)).body.videoId;
});
after(async () => {
  await nginx?.stop();
  await server?.close();
});

/** A session's media token parts, from the manifest URL playback start returned. */
async function session() {
  const viewer = await api.viewer({ plan: 'premium', country: 'US' });
  const start = await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
  assert.equal(start.status, 200, JSON.stringify(start.body));
  const path = new URL(start.body.manifests.dash as string, server.url).pathname;
  const [, , token, assetId, file] = path.split('/');
  const [playbackId, expiry] = token!.split('.');
  return { playbackId: playbackId!, assetId: assetId!, expiresAtSec: Number(expiry), manifest: file! };
}

describe('stock nginx as an edge', { skip }, () => {
  test('plays the nginx form of a signed URL through nginx: manifest, every segment, cached once for all sessions, ranges', async () => {
    const s = await session();
    const prefix = nginxMediaPathPrefix(SECRET, s);
    const mpdRes = await fetch(`${nginx.url}${prefix}/${s.manifest}`);
    assert.equal(mpdRes.status, 200);
    assert.equal(mpdRes.headers.get('content-type'), 'application/dash+xml');
    const mpd = await mpdRes.text();
    assert.match(mpd, /<MPD/);

    const media = /media="([^"]+)"/.exec(mpd)![1]!;
    const init = /initialization="([^"]+)"/.exec(mpd)![1]!;
    const reps = [...mpd.matchAll(/<Representation id="([^"]+)"/g)].map((m) => m[1]!);
    const segment = (r: string, n: number) => media.replace('$RepresentationID$', r).replace(/\$Number%0(\d)d\$/, (_, w: string) => String(n).padStart(Number(w), '0'));
    const files = reps.flatMap((r) => [init.replace('$RepresentationID$', r), segment(r, 1)]);
    for (const f of files) {
      const first = await fetch(`${nginx.url}${prefix}/${f}`);
      assert.equal(first.status, 200, f);
      assert.equal(first.headers.get('x-cache-status'), 'MISS', f);
      const viaNginx = Buffer.from(await first.arrayBuffer());
      const fromOrigin = Buffer.from(await (await fetch(`${server.url}${mediaPathPrefix(SECRET, s)}/${f}`)).arrayBuffer());
      assert.ok(viaNginx.equals(fromOrigin), `${f}: the bytes the origin has`);
      const second = await fetch(`${nginx.url}${prefix}/${f}`);
      assert.equal(second.headers.get('x-cache-status'), 'HIT', f);
      assert.ok(Buffer.from(await second.arrayBuffer()).equals(fromOrigin));
    }

    // Another session shares the cached segments.
    const other = await session();
    const shared = await fetch(`${nginx.url}${nginxMediaPathPrefix(SECRET, other)}/${files[1]}`);
    assert.equal(shared.status, 200);
    assert.equal(shared.headers.get('x-cache-status'), 'HIT');
    const whole = Buffer.from(await shared.arrayBuffer());

    const ranged = await fetch(`${nginx.url}${prefix}/${files[1]}`, { headers: { range: 'bytes=100-199' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 100-199/${whole.length}`);
    assert.ok(Buffer.from(await ranged.arrayBuffer()).equals(whole.subarray(100, 200)));
    // A range on a cold object (the nginx edge fills the whole object, then answers the range).
    const cold = segment(reps.at(-1)!, 2);
    const coldRange = await fetch(`${nginx.url}${prefix}/${cold}`, { headers: { range: 'bytes=0-9' } });
    assert.equal(coldRange.status, 206, cold);
    assert.equal((await coldRange.arrayBuffer()).byteLength, 10);
  });

  test('forged, expired, cross-session and HMAC-form URLs are 403 at nginx', async () => {
    const s = await session();
    const other = await session();
    const prefix = nginxMediaPathPrefix(SECRET, s);
    const [, , token] = prefix.split('/');
    const sig = token!.split('.')[2]!;
    const flip = sig.endsWith('A') ? 'B' : 'A';
    const cases: [string, string][] = [
      ['tampered signature', prefix.replace(sig, sig.slice(0, -1) + flip)],
      ['extended expiry', prefix.replace(`.${s.expiresAtSec}.`, `.${s.expiresAtSec + 3600}.`)],
      ['another session with this signature', prefix.replace(s.playbackId, other.playbackId)],
      ['this signature on another video', prefix.replace(s.assetId, 'someotherasset')],
      ['expired', nginxMediaPathPrefix(SECRET, { ...s, expiresAtSec: Math.floor(Date.now() / 1000) - 1 })],
      ['signed with another secret', nginxMediaPathPrefix('another-secret-0123456789abcdefghijklmnop', s)],
      ['our HMAC form (nginx cannot check it)', mediaPathPrefix(SECRET, s)],
    ];
    for (const [name, p] of cases) {
      const res = await fetch(`${nginx.url}${p}/${s.manifest}`);
      assert.equal(res.status, 403, name);
      await res.arrayBuffer();
    }
    const valid = await fetch(`${nginx.url}${prefix}/${s.manifest}`);
    assert.equal(valid.status, 200, 'the control: the untampered URL works');
    await valid.text();
  });

  test('the origin and our own edges accept the nginx form too; the generated config holds no signing secret', async () => {
    const s = await session();
    assert.equal((await fetch(`${server.url}${nginxMediaPathPrefix(SECRET, s)}/${s.manifest}`)).status, 200);
    const edge = await createEdge({ region: 'US', capacityBytes: 8 * 1024 * 1024, originUrl: server.url, secret: SECRET, register: false, metrics: createMetrics(), log: createLogger('silent') });
    try {
      await edge.listen(0);
      const res = await fetch(`${edge.url}${nginxMediaPathPrefix(SECRET, s)}/${s.manifest}`);
      assert.equal(res.status, 200);
      await res.text();
    } finally {
      await edge.close();
    }
    assert.ok(!(await readFile(nginx.conf, 'utf8')).includes(SECRET));
  });
});
