import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createEdge, type Edge, signEdgeReport, signFillRequest } from '../../src/modules/delivery/index.ts';
import { mediaPathPrefix } from '../../src/modules/playback/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createMetrics } from '../../src/platform/metrics.ts';
import { apiClient } from '../support/client.ts';
import { metricValue, scrape } from '../support/edges.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

const SECRET = 'edge-test-secret-0123456789abcdefghijklmnop';
let server: TestServer;
let api: ReturnType<typeof apiClient>;
let videoId: string;
const edges: Edge[] = [];

async function edge(region: string, opts: { capacity?: number; admission?: 'lru' | 'tinylfu'; port?: number; id?: string; register?: boolean; disk?: { dir: string; capacityBytes: number } } = {}): Promise<Edge> {
  const e = await createEdge({
    region,
    capacityBytes: opts.capacity ?? 64 * 1024 * 1024,
    ...(opts.disk ? { disk: opts.disk } : {}),
    admission: opts.admission ?? 'tinylfu',
    originUrl: server.url,
    secret: SECRET,
    heartbeatMs: 500,
    register: opts.register ?? true,
    metrics: createMetrics(),
    log: createLogger('silent'),
    ...(opts.id ? { id: opts.id } : {}),
  });
  await e.listen(opts.port ?? 0);
  edges.push(e);
  return e;
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });
const steeringEdges = async () => (await api.get('/api/v1/steering/edges')).body.edges as { id: string; healthy: boolean; baseUrl: string }[];

async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const start = Date.now();
  while (!(await fn())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - start;
}

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', URL_SIGNING_SECRET: SECRET, STEERING_CHECK_INTERVAL_MS: '500' }, { worker: true });
  api = apiClient(server.url);
  const partner = await api.signup();
  await server.m.services.identity.setRole(partner.accountId, 'partner');
  const token = (await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password })).body.accessToken;
  // Popular, so the fill job gives it a replica on every edge.
  const titleId = (await server.m.services.catalog.createTitle({ type: 'movie', name: 'Edge Pattern', genres: ['Drama'], popularity: 80 }, partner.accountId)).id;
  const form = new FormData();
  form.set('titleId', titleId);
  // Clear, so HLS is offered too (protected titles are DASH only).
  form.set('protected', 'false');
  const clip = await makeTestClip(join(server.dataDir, 'edge.mp4'), { seconds: 6, height: 240 });
  form.set('file', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'edge.mp4');
  const upload = await api.call('POST', '/api/v1/studio/uploads', { form, token });
  await server.m.services.studio.waitForJob(upload.body.jobId, () => undefined, 100);
  videoId = (await api.get(`/api/v1/titles/${titleId}`)).body.videoId;
});
after(async () => {
  for (const e of edges) await e.close();
  await server?.close();
});

async function startPlayback(country = 'US') {
  const viewer = await api.viewer({ plan: 'premium', country });
  const start = await api.post(`/api/v1/playback/${videoId}/start`, {}, viewer.profileToken);
  assert.equal(start.status, 200, JSON.stringify(start.body));
  return start.body as { playbackId: string; manifests: { dash: string; hls: string }; cdn: { primary: string; backups: string[] } };
}

describe('edges and steering', () => {
  let us1: Edge;
  let us2: Edge;
  let eu1: Edge;

  test('with no edge registered, playback streams from the origin', async () => {
    const pb = await startPlayback();
    assert.deepEqual(pb.cdn, { primary: '', backups: [] });
    assert.match(pb.manifests.dash, /^\/media\//);
  });

  test('edges register; playback start steers to an in-region edge with two backups and the origin last', async () => {
    us1 = await edge('US', { id: 'us1' });
    us2 = await edge('US', { id: 'us2' });
    eu1 = await edge('EU', { id: 'eu1' });
    assert.deepEqual((await steeringEdges()).map((e) => [e.id, e.healthy]), [['eu1', true], ['us1', true], ['us2', true]]);
    const pb = await startPlayback('US');
    assert.ok([us1.url, us2.url].includes(pb.cdn.primary), pb.cdn.primary);
    assert.equal(pb.cdn.backups.length, 3);
    assert.equal(pb.cdn.backups.at(-1), server.url);
    assert.equal(pb.cdn.backups[1], eu1.url, 'the out-of-region edge ranks after the in-region one');
    assert.ok(pb.manifests.dash.startsWith(`${pb.cdn.primary}/media/`));
    assert.ok(pb.manifests.hls.startsWith(`${pb.cdn.primary}/media/`));
    // The next session goes to the other US edge: the first one now carries a session.
    const next = await startPlayback('US');
    assert.notEqual(next.cdn.primary, pb.cdn.primary);
  });

  test('the edge serves the MPD with every alternative as a BaseURL, fills once, then hits', async () => {
    const pb = await startPlayback('US');
    const first = await get(pb.manifests.dash);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'application/dash+xml');
    assert.equal(first.headers.get('access-control-allow-origin'), '*');
    const mpd = await first.text();
    const bases = [...mpd.matchAll(/<BaseURL[^>]*>([^<]*)<\/BaseURL>/g)].map((m) => m[1]!);
    const prefix = new URL(pb.manifests.dash).pathname.replace(/manifest\.mpd$/, '');
    assert.deepEqual(bases, [pb.cdn.primary, ...pb.cdn.backups].map((b) => `${b}${prefix}`));
    const again = await get(pb.manifests.dash);
    assert.equal(again.headers.get('x-cache'), 'HIT');
    await again.text();

    const base = pb.manifests.dash.slice(0, pb.manifests.dash.lastIndexOf('/') + 1);
    const media = /media="([^"]+)"/.exec(mpd)![1]!;
    const init = /initialization="([^"]+)"/.exec(mpd)![1]!;
    const rep = /<Representation id="([^"]+)"/.exec(mpd)![1]!;
    const segment = base + media.replace('$RepresentationID$', rep).replace(/\$Number%0(\d)d\$/, (_, w: string) => '1'.padStart(Number(w), '0')).replace('$Number$', '1');
    const initUrl = base + init.replace('$RepresentationID$', rep);
    const full = await get(segment);
    assert.equal(full.status, 200, segment);
    assert.equal(full.headers.get('content-type'), segment.endsWith('.m4s') ? 'video/iso.segment' : 'video/mp4');
    assert.match(full.headers.get('cache-control') ?? '', /immutable/);
    const bytes = Buffer.from(await full.arrayBuffer());
    const ranged = await get(segment, { range: 'bytes=10-109' });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get('content-range'), `bytes 10-109/${bytes.length}`);
    assert.equal(ranged.headers.get('x-cache'), 'HIT');
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), bytes.subarray(10, 110));
    assert.equal((await get(segment, { range: `bytes=${bytes.length + 10}-` })).status, 416);
    const initRes = await get(initUrl);
    assert.equal(initRes.status, 200);
    assert.equal(initRes.headers.get('content-type'), 'video/mp4');
    await initRes.arrayBuffer();
    // HLS from the same edge, same cache.
    const hls = await get(pb.manifests.hls);
    assert.match(hls.headers.get('content-type') ?? '', /mpegurl/);
    await hls.text();

    const primary = edges.find((e) => e.url === pb.cdn.primary)!;
    const text = await scrape(primary.url);
    assert.equal(metricValue(text, 'marquee_edge_origin_fetches_total', { outcome: 'ok' }), primary.cache.stats().entries);
    assert.ok(metricValue(text, 'marquee_edge_requests_total', { result: 'hit' }) >= 2);
    assert.ok(metricValue(text, 'marquee_edge_bytes_served_total') >= bytes.length + 100);
    assert.ok(metricValue(text, 'marquee_edge_hit_ratio') > 0);
    assert.equal((await get(`${primary.url}/healthz`)).status, 200);
  });

  test('many concurrent misses on one object make one origin fetch', async () => {
    const fresh = await edge('AP', { id: 'ap-coalesce', register: false });
    const pb = await startPlayback('US');
    const url = fresh.url + new URL(pb.manifests.dash).pathname.replace(/manifest\.mpd$/, 'master.m3u8');
    const replies = await Promise.all(Array.from({ length: 25 }, () => get(url).then(async (r) => ({ status: r.status, body: await r.text() }))));
    assert.ok(replies.every((r) => r.status === 200 && r.body === replies[0]!.body));
    const text = await scrape(fresh.url);
    assert.equal(metricValue(text, 'marquee_edge_origin_fetches_total'), 1);
    assert.equal(metricValue(text, 'marquee_edge_requests_total', { result: 'miss' }), 1);
    assert.ok(metricValue(text, 'marquee_edge_requests_total', { result: 'coalesced' }) >= 1, 'some requests joined the fill in flight');
    assert.equal(metricValue(text, 'marquee_edge_requests_total'), 25);
  });

  test('a small cache evicts and stays within its byte budget', async () => {
    const pb = await startPlayback('US');
    const path = new URL(pb.manifests.dash).pathname;
    const dir = path.slice(0, path.lastIndexOf('/') + 1);
    const mpd = await (await get(server.url + path)).text();
    const media = /media="([^"]+)"/.exec(mpd)![1]!;
    const segments = [...mpd.matchAll(/<Representation id="([^"]+)"/g)].flatMap((m) =>
      [1, 2].map((n) => media.replace('$RepresentationID$', m[1]!).replace(/\$Number%0(\d)d\$/, (_, w: string) => String(n).padStart(Number(w), '0'))),
    );
    // Room for two or three of the smaller segments (sizes from the origin): filling them all must evict.
    const sizes = await Promise.all(segments.map(async (s) => (await (await get(server.url + dir + s)).arrayBuffer()).byteLength));
    const capacity = Math.round(Math.min(...sizes) * 2.5);
    const small = await edge('AP', { id: 'ap-small', capacity, admission: 'lru', register: false });
    assert.equal((await get(small.url + path)).status, 200);
    for (const s of segments) {
      const r = await get(small.url + dir + s);
      assert.equal(r.status, 200, s);
      await r.arrayBuffer();
    }
    assert.ok(small.cache.stats().bytes <= capacity);
    assert.ok(metricValue(await scrape(small.url), 'marquee_edge_evictions_total') > 0);
  });

  test('forged, expired, cross-session and cross-video URLs are 403 at the edge; the origin is never asked', async () => {
    const pb = await startPlayback('US');
    const e = await edge('AP', { id: 'ap-auth', register: false });
    const path = new URL(pb.manifests.dash).pathname;
    const [, , token, assetId] = path.split('/');
    const [playbackId, expiry, sig] = token!.split('.');
    const other = await startPlayback('US');
    const otherToken = new URL(other.manifests.dash).pathname.split('/')[2]!;
    const flip = sig!.endsWith('A') ? 'B' : 'A';
    const cases: [string, string, string][] = [
      ['tampered signature', path.replace(token!, `${playbackId}.${expiry}.${sig!.slice(0, -1)}${flip}`), 'url_signature_invalid'],
      ['extended expiry', path.replace(token!, `${playbackId}.${Number(expiry) + 3600}.${sig}`), 'url_signature_invalid'],
      ['another session id with this signature', path.replace(token!, `${otherToken.split('.')[0]}.${expiry}.${sig}`), 'url_signature_invalid'],
      ['this token on another video', path.replace(assetId!, 'someotherasset'), 'url_signature_invalid'],
      ['garbage token', path.replace(token!, 'not-a-token'), 'url_signature_invalid'],
      ['expired', `${mediaPathPrefix(SECRET, { playbackId: playbackId!, assetId: assetId!, expiresAtSec: Math.floor(Date.now() / 1000) - 1 })}/manifest.mpd`, 'url_expired'],
      ['signed with another secret', `${mediaPathPrefix('another-secret-0123456789abcdefghijklmnop', { playbackId: playbackId!, assetId: assetId!, expiresAtSec: Number(expiry) })}/manifest.mpd`, 'url_signature_invalid'],
    ];
    for (const [name, p, code] of cases) {
      const res = await get(e.url + p);
      assert.equal(res.status, 403, name);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, code, name);
    }
    // Forged alternatives are ignored rather than written into the manifest.
    const dash = new URL(pb.manifests.dash);
    dash.searchParams.set('alt', Buffer.from(JSON.stringify(['http://evil.example'])).toString('base64url'));
    const mpd = await (await get(e.url + dash.pathname + dash.search)).text();
    assert.ok(!mpd.includes('evil.example') && !mpd.includes('<BaseURL'));
    const text = await scrape(e.url);
    assert.equal(metricValue(text, 'marquee_edge_refused_total'), cases.length);
    assert.equal(metricValue(text, 'marquee_edge_origin_fetches_total'), 1, 'only the one valid manifest request reached the origin');
  });

  test('steering refuses edge reports not signed with the delivery secret', async () => {
    const report = { id: 'rogue', baseUrl: 'http://127.0.0.1:1', region: 'US', capacityBytes: 1, usedBytes: 0, load: 0, holds: [] };
    const forged = signEdgeReport('not-the-secret-0123456789abcdefghijklmno', report, Date.now());
    assert.equal((await api.post('/api/v1/steering/edges', forged)).status, 403);
    const stale = signEdgeReport(SECRET, report, Date.now() - 3600_000);
    assert.equal((await api.post('/api/v1/steering/edges', stale)).status, 403);
    assert.equal((await api.post('/api/v1/steering/edges', { ...report })).status, 400);
    assert.ok(!(await steeringEdges()).some((e) => e.id === 'rogue'));
  });

  test('a dead edge is marked unhealthy within 10 s and avoided; restarted on the same port it serves and is used again', async () => {
    const port = Number(new URL(us1.url).port);
    await us1.close();
    const took = await until('us1 unhealthy', async () => (await steeringEdges()).find((e) => e.id === 'us1')?.healthy === false);
    assert.ok(took < 10_000, `took ${took} ms`);
    for (let i = 0; i < 3; i++) {
      const pb = await startPlayback('US');
      assert.notEqual(pb.cdn.primary, us1.url);
      assert.ok(![pb.cdn.primary, ...pb.cdn.backups].includes(us1.url));
    }
    const back = await edge('US', { id: 'us1', port });
    await until('us1 healthy again', async () => (await steeringEdges()).find((e) => e.id === 'us1')?.healthy === true);
    const pb = await startPlayback('US');
    assert.ok([pb.cdn.primary, ...pb.cdn.backups].includes(back.url));
    // A restarted edge starts cold but validates URLs issued before the restart: no database, only the secret.
    const res = await get(back.url + new URL(pb.manifests.dash).pathname);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-cache'), 'MISS');
    await res.text();
    void us2;
  });
});

/** The MPD's first `count` media segments of every representation, plus the init segments, as URLs under `base`. */
function segmentUrls(base: string, mpd: string, count: number): string[] {
  const media = /media="([^"]+)"/.exec(mpd)![1]!;
  const init = /initialization="([^"]+)"/.exec(mpd)![1]!;
  return [...mpd.matchAll(/<Representation id="([^"]+)"/g)].flatMap((m) => [
    base + init.replace('$RepresentationID$', m[1]!),
    ...Array.from({ length: count }, (_, i) => base + media.replace('$RepresentationID$', m[1]!).replace(/\$Number%0(\d)d\$/, (__, w: string) => String(i + 1).padStart(Number(w), '0'))),
  ]);
}

async function fetchAll(urls: string[]): Promise<{ tier: string | null; bytes: Buffer }[]> {
  const out = [];
  for (const u of urls) {
    const r = await get(u);
    assert.equal(r.status, 200, u);
    out.push({ tier: r.headers.get('x-cache-tier'), bytes: Buffer.from(await r.arrayBuffer()) });
  }
  return out;
}

describe('the disk tier', () => {
  test('memory misses fall to disk; a restart with the same disk dir serves without the origin; damaged files are refetched', async () => {
    const dir = join(server.dataDir, 'edge-disk');
    // Memory for about two segments: most objects live only on disk after the first pass.
    const first = await edge('AP', { id: 'ap-disk', register: false, capacity: 8 * 1024 * 1024 + 150_000, admission: 'lru', disk: { dir, capacityBytes: 8 * 1024 * 1024 } });
    const pb = await startPlayback('US');
    const path = new URL(pb.manifests.dash, server.url).pathname;
    const base = path.slice(0, path.lastIndexOf('/') + 1);
    const mpd = await (await get(first.url + path)).text();
    const urls = segmentUrls(base, mpd, 2);
    const cold = await fetchAll(urls.map((u) => first.url + u));
    assert.deepEqual(cold.map((r) => r.tier), urls.map(() => 'origin'));
    const again = await fetchAll(urls.map((u) => first.url + u));
    assert.ok(again.some((r) => r.tier === 'disk'), `evicted from memory, found on disk: ${again.map((r) => `${r.tier}:${r.bytes.length}`).join(' ')}`);
    assert.deepEqual(again.map((r) => r.bytes), cold.map((r) => r.bytes));
    let text = await scrape(first.url);
    assert.equal(metricValue(text, 'marquee_edge_origin_fetches_total'), urls.length + 1, 'the second pass made no origin fetch');
    assert.ok(metricValue(text, 'marquee_edge_evictions_total', { tier: 'memory' }) > 0, `memory evicted: ${text.split('\n').filter((l) => l.startsWith('marquee_edge')).join('; ')}`);
    assert.ok(first.cache.stats().bytes <= 150_000, 'memory stays within its share');
    await first.close();
    edges.splice(edges.indexOf(first), 1);

    // Damage one file while the edge is down: it must be refetched, never served.
    const damagedKey = `${base.split('/')[3]}/${urls[1]!.slice(base.length)}`;
    const file = await readFile(first.disk!.pathOf(damagedKey));
    file[file.length - 1]! ^= 0xff;
    await writeFile(first.disk!.pathOf(damagedKey), file);

    const restarted = await edge('AP', { id: 'ap-disk', register: false, capacity: 8 * 1024 * 1024 + 150_000, admission: 'lru', disk: { dir, capacityBytes: 8 * 1024 * 1024 } });
    const warm = await fetchAll(urls.map((u) => restarted.url + u));
    assert.deepEqual(warm.map((r) => r.bytes), cold.map((r) => r.bytes), 'the damaged object was served intact (refetched)');
    assert.deepEqual(warm.map((r, i) => (i === 1 ? 'refetched' : r.tier)), urls.map((_, i) => (i === 1 ? 'refetched' : 'disk')));
    assert.equal(warm[1]!.tier, 'origin');
    text = await scrape(restarted.url);
    assert.equal(metricValue(text, 'marquee_edge_origin_fetches_total'), 1, 'only the damaged object came from the origin');
    assert.equal(metricValue(text, 'marquee_edge_disk_corrupt_total'), 1);
    assert.ok(metricValue(text, 'marquee_edge_hit_ratio') > 0.8, 'nearly all from disk');
  });
});

describe('HLS through an edge', () => {
  test('the master playlist lists each variant once per alternative, primary first, and the backup variants play', async () => {
    const pb = await startPlayback('US');
    const res = await get(pb.manifests.hls);
    assert.equal(res.status, 200);
    const master = await res.text();
    const prefix = new URL(pb.manifests.hls).pathname.replace(/master\.m3u8$/, '');
    const variants = master.split('\n').filter((l) => l && !l.startsWith('#'));
    const alternatives = [pb.cdn.primary, ...pb.cdn.backups];
    assert.equal(variants.length % alternatives.length, 0);
    const perHost = variants.length / alternatives.length;
    assert.ok(perHost >= 1);
    alternatives.forEach((alt, i) => {
      for (const v of variants.slice(i * perHost, (i + 1) * perHost)) assert.ok(v.startsWith(`${alt}${prefix}`), `${v} on ${alt}`);
    });
    // A backup's variant playlist and its first segment load from that backup.
    const backupVariant = variants[perHost]!;
    const playlist = await (await get(backupVariant)).text();
    const segment = playlist.split('\n').find((l) => l && !l.startsWith('#'))!;
    const seg = await get(backupVariant.slice(0, backupVariant.lastIndexOf('/') + 1) + segment);
    assert.equal(seg.status, 200);
    await seg.arrayBuffer();
  });
});

describe('prepositioning', () => {
  test('an admin fill run pushes the title to edges; the edge then serves its first segments with no origin fetch', async () => {
    const filled = await edge('SA', { id: 'sa-fill' });
    const viewer = await api.viewer({ plan: 'premium', country: 'US' });
    assert.equal((await api.post('/api/v1/admin/delivery/fill', {}, viewer.profileToken)).status, 403, 'viewers may not trigger fills');
    const admin = await api.signup();
    await server.m.services.identity.setRole(admin.accountId, 'admin');
    const adminToken = (await api.post('/api/v1/auth/login', { email: admin.email, password: admin.password })).body.accessToken;
    const run = await api.post('/api/v1/admin/delivery/fill', {}, adminToken);
    assert.equal(run.status, 202);
    let job: { status: string; result: { edges: { edgeId: string; push: string[]; outcome: { fetched?: number; failed?: number } }[] } } | undefined;
    await until('the fill job', async () => {
      job = (await api.get(`/api/v1/admin/delivery/fill/${run.body.jobId}`, adminToken)).body;
      return job!.status === 'succeeded' || job!.status === 'failed';
    }, 30_000);
    assert.equal(job!.status, 'succeeded', JSON.stringify(job));
    const mine = job!.result.edges.find((e) => e.edgeId === 'sa-fill')!;
    assert.equal(mine.push.length, 1, JSON.stringify(job));
    assert.ok((mine.outcome.fetched ?? 0) > 0 && mine.outcome.failed === 0, JSON.stringify(mine.outcome));
    const before = metricValue(await scrape(filled.url), 'marquee_edge_origin_fetches_total');
    assert.equal(before, mine.outcome.fetched);

    const pb = await startPlayback('US');
    const path = new URL(pb.manifests.dash, server.url).pathname;
    const mpd = await (await get(filled.url + path)).text();
    const played = await fetchAll(segmentUrls(filled.url + path.slice(0, path.lastIndexOf('/') + 1), mpd, 2));
    assert.ok(played.every((r) => r.tier !== 'origin'), played.map((r) => r.tier).join(','));
    assert.equal(metricValue(await scrape(filled.url), 'marquee_edge_origin_fetches_total'), before + 1, 'only the session manifest came from the origin');
  });

  test('edges refuse fill requests not signed with the delivery secret', async () => {
    const e = await edge('SA', { id: 'sa-refuse', register: false });
    const forged = signFillRequest('not-the-secret-0123456789abcdefghijklmno', ['/media/x.1.y/a/b.m4s'], Date.now());
    const res = await fetch(`${e.url}/admin/fill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(forged) });
    assert.equal(res.status, 403);
    const stale = signFillRequest(SECRET, ['/media/x.1.y/a/b.m4s'], Date.now() - 3600_000);
    assert.equal((await fetch(`${e.url}/admin/fill`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(stale) })).status, 403);
    assert.equal(metricValue(await scrape(e.url), 'marquee_edge_origin_fetches_total'), 0);
  });
});
