import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { publishClip } from '../support/studio.ts';

let server: TestServer;
let api: ReturnType<typeof apiClient>;
let partnerToken: string;
let titleId: string;
let videoId: string;

const start = (token: string, body: Record<string, unknown> = {}) => api.post(`/api/v1/playback/${videoId}/start`, body, token);
const licence = (body: unknown, headers: Record<string, string>) => api.call('POST', '/api/v1/playback/licence', { body, headers });

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast' }, { worker: true });
  api = apiClient(server.url);
  // Sent without `protected`: what these tests check is the default, protected.
  ({ token: partnerToken, titleId } = await publishClip(server, { name: 'Locked Pattern', seconds: 4, height: 360 }));
  videoId = (await api.get(`/api/v1/titles/${titleId}`)).body.videoId;
});
after(() => server.close());

describe('content protection', () => {
  test('a new upload is encrypted: the MPD declares CENC and ClearKey, the init segment carries the key id', async () => {
    const viewer = await api.viewer({ plan: 'premium' });
    const pb = await start(viewer.profileToken, { deviceId: 'tv-1' });
    assert.equal(pb.status, 200, JSON.stringify(pb.body));
    assert.equal(pb.body.drm.keySystem, 'org.w3.clearkey');
    assert.ok(!pb.body.drm.licenseUrl.includes(pb.body.drm.token), 'the licence token is never in a URL');
    const kid = Buffer.from(pb.body.drm.kids[0], 'base64url').toString('hex');
    const mpd = await api.get(pb.body.manifests.dash);
    assert.match(mpd.body, /schemeIdUri="urn:mpeg:dash:mp4protection:2011" value="cenc"/);
    assert.match(mpd.body, /urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e/);
    assert.ok(mpd.body.includes(`cenc:default_KID="${kid.slice(0, 8)}-`), 'default_KID is the licence kid');
    const base = pb.body.manifests.dash.slice(0, pb.body.manifests.dash.lastIndexOf('/') + 1);
    const initName = /<Representation id="(\w+)"[\s\S]*?initialization="([^"]+)"/.exec(mpd.body)!;
    const init = await fetch(`${server.url}${base}${initName[2]!.replace('$RepresentationID$', initName[1]!)}`).then((r) => r.arrayBuffer()).then((b) => Buffer.from(b));
    assert.ok(init.includes(Buffer.from('encv')) && init.includes(Buffer.from('tenc')), 'protected sample entry');
    assert.ok(init.includes(Buffer.from(kid, 'hex')), 'tenc names the key id');
    // HLS cannot signal CENC with ClearKey in a way players act on, so it is not offered.
    assert.equal(pb.body.manifests.hls, null);
  });

  test('the licence endpoint releases the key only to a live session of the same account', async () => {
    const viewer = await api.viewer();
    const pb = (await start(viewer.profileToken, { deviceId: 'laptop' })).body;
    const kids = pb.drm.kids as string[];
    const auth = { authorization: `Bearer ${viewer.profileToken}` };
    const ok = await licence({ kids, type: 'temporary' }, { ...auth, [pb.drm.header]: pb.drm.token });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.type, 'temporary');
    assert.equal(ok.body.keys.length, 1);
    assert.equal(ok.body.keys[0].kty, 'oct');
    assert.equal(ok.body.keys[0].kid, kids[0]);
    const key = Buffer.from(ok.body.keys[0].k, 'base64url');
    assert.equal(key.length, 16);

    // At rest the key is wrapped: the stored row holds no form of the raw key.
    const rows = await server.m.database.db.withTables<{ content_keys: { kid: string; wrapped_key: string } }>().selectFrom('content_keys').selectAll().execute();
    const row = rows.find((r) => r.kid === Buffer.from(kids[0]!, 'base64url').toString('hex'));
    assert.ok(row, 'the key is stored');
    for (const encoding of ['hex', 'base64', 'base64url'] as const) assert.ok(!row.wrapped_key.includes(key.toString(encoding)), `no ${encoding} key in the column`);
    assert.ok(!Buffer.from(row.wrapped_key).includes(key), 'no raw key bytes in the column');

    assert.equal((await licence({ kids }, {})).status, 401, 'no credentials');
    const noSession = await licence({ kids }, auth);
    assert.equal(noSession.status, 403);
    assert.equal(noSession.body.error.code, 'playback_session_required');
    assert.equal((await licence({ kids }, { ...auth, [pb.drm.header]: `${pb.playbackId}.${'A'.repeat(43)}` })).status, 403, 'forged token');

    const stranger = await api.viewer();
    const theirs = await licence({ kids }, { authorization: `Bearer ${stranger.profileToken}`, [pb.drm.header]: pb.drm.token });
    assert.equal(theirs.status, 403, "another account's session");

    const unknown = await licence({ kids: [Buffer.alloc(16, 7).toString('base64url')] }, { ...auth, [pb.drm.header]: pb.drm.token });
    assert.equal(unknown.status, 404);
    const bad = await licence({ kids: ['nope'] }, { ...auth, [pb.drm.header]: pb.drm.token });
    assert.equal(bad.status, 400);

    assert.equal((await api.post(`/api/v1/playback/${pb.playbackId}/stop`, { positionSec: 1 }, viewer.profileToken)).status, 204);
    const stopped = await licence({ kids }, { ...auth, [pb.drm.header]: pb.drm.token });
    assert.equal(stopped.status, 403, 'a stopped session');
    assert.equal(stopped.body.error.code, 'playback_session_not_live');
  });

  test('licence requests are rate limited per session', async () => {
    const viewer = await api.viewer();
    const pb = (await start(viewer.profileToken, { deviceId: 'phone' })).body;
    const headers = { authorization: `Bearer ${viewer.profileToken}`, [pb.drm.header]: pb.drm.token };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await licence({ kids: pb.drm.kids }, headers)).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200));
    const refused = await licence({ kids: pb.drm.kids }, headers);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
  });
});

describe('screens and devices', () => {
  test('a third stream on a standard plan is 429 and names the devices streaming', async () => {
    const viewer = await api.viewer({ plan: 'standard' });
    assert.equal((await start(viewer.profileToken, { deviceId: 'living-room', deviceName: 'Living room TV', deviceType: 'tv' })).status, 200);
    assert.equal((await start(viewer.profileToken, { deviceId: 'phone-1' })).status, 200);
    // The same device starting again replaces its own stream.
    assert.equal((await start(viewer.profileToken, { deviceId: 'phone-1' })).status, 200);
    const third = await start(viewer.profileToken, { deviceId: 'tablet-1' });
    assert.equal(third.status, 429);
    assert.equal(third.body.error.code, 'too_many_streams');
    assert.equal(third.body.error.limit, 2);
    assert.ok(Number(third.headers.get('retry-after')) > 0 && Number(third.headers.get('retry-after')) <= 60);
    const streams = third.body.error.streams as { deviceId: string; deviceName: string; deviceType: string; profileName: string; title: string; startedAt: string }[];
    assert.deepEqual(streams.map((s) => s.deviceId).sort(), ['living-room', 'phone-1']);
    const tv = streams.find((s) => s.deviceId === 'living-room')!;
    assert.equal(tv.deviceName, 'Living room TV');
    assert.equal(tv.deviceType, 'tv');
    assert.equal(tv.profileName, 'Me');
    assert.equal(tv.title, 'Locked Pattern');
    assert.ok(Date.parse(tv.startedAt) > 0);
    assert.match(third.body.error.message, /Living room TV/);
  });

  test('a stream silent past the idle window frees its screen; its late heartbeat finds the screen taken', async () => {
    const viewer = await api.viewer({ plan: 'basic' });
    const closedTab = (await start(viewer.profileToken, { deviceId: 'closed-tab' })).body;
    assert.equal((await start(viewer.profileToken, { deviceId: 'tv' })).status, 429);
    // The tab was closed without a stop: no heartbeat for 50 s (idle window 45 s).
    const sessions = server.m.database.db.withTables<{ playback_sessions: { id: string; last_seen_at: string } }>();
    await sessions.updateTable('playback_sessions').set({ last_seen_at: new Date(Date.now() - 50_000).toISOString() }).where('id', '=', closedTab.playbackId).execute();
    const tv = await start(viewer.profileToken, { deviceId: 'tv' });
    assert.equal(tv.status, 200);
    const late = await api.post(`/api/v1/playback/${closedTab.playbackId}/heartbeat`, { positionSec: 3 }, viewer.profileToken);
    assert.equal(late.status, 404);
    // A silent stream whose screen nobody took gets it back with its next heartbeat.
    await sessions.updateTable('playback_sessions').set({ last_seen_at: new Date(Date.now() - 50_000).toISOString() }).where('id', '=', tv.body.playbackId).execute();
    assert.equal((await api.post(`/api/v1/playback/${tv.body.playbackId}/heartbeat`, { positionSec: 3 }, viewer.profileToken)).status, 204);
    assert.equal((await start(viewer.profileToken, { deviceId: 'closed-tab' })).status, 429);
  });

  test('a device past the plan limit is refused with the limit; removing one makes room', async () => {
    const viewer = await api.viewer({ plan: 'basic' });
    for (const deviceId of ['one', 'two']) {
      const pb = await start(viewer.profileToken, { deviceId });
      assert.equal(pb.status, 200);
      await api.post(`/api/v1/playback/${pb.body.playbackId}/stop`, { positionSec: 0 }, viewer.profileToken);
    }
    const third = await start(viewer.profileToken, { deviceId: 'three' });
    assert.equal(third.status, 403);
    assert.equal(third.body.error.code, 'device_limit_reached');
    assert.equal(third.body.error.limit, 2);
    assert.match(third.body.error.message, /2 registered devices/);

    const list = await api.get('/api/v1/account/devices', viewer.accessToken);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((d: { deviceId: string }) => d.deviceId).sort(), ['one', 'two']);
    assert.equal((await api.call('DELETE', '/api/v1/account/devices/one', { token: viewer.accessToken })).status, 204);
    assert.equal((await api.call('DELETE', '/api/v1/account/devices/one', { token: viewer.accessToken })).status, 404);
    assert.equal((await start(viewer.profileToken, { deviceId: 'three' })).status, 200);
    assert.equal((await api.get('/api/v1/account/devices')).status, 401);
  });
});

describe('renditions by plan and device', () => {
  test('the session manifests list only what the device declared it can show, and start says the height applied', async () => {
    const viewer = await api.viewer({ plan: 'premium' });
    const full = (await start(viewer.profileToken, { deviceId: 'big' })).body;
    const fullHeights = [...(await api.get(full.manifests.dash)).body.matchAll(/height="(\d+)"/g)].map((m) => Number(m[1]));
    assert.ok(fullHeights.length >= 3);
    const cap = [...fullHeights].sort((a, b) => a - b)[1]!;
    const small = await start(viewer.profileToken, { deviceId: 'small', capabilities: { codecs: ['h264', 'aac'], maxHeight: cap } });
    assert.equal(small.status, 200);
    assert.equal(small.body.limits.maxHeight, cap);
    assert.equal(small.body.tracks.maxHeight, cap);
    assert.equal(small.body.limits.planMaxHeight, 2160);
    const mpd = (await api.get(small.body.manifests.dash)).body as string;
    const heights = [...mpd.matchAll(/height="(\d+)"/g)].map((m) => Number(m[1]));
    assert.deepEqual(heights, fullHeights.filter((h) => h <= cap));
    assert.match(mpd, /contentType="audio"/, 'audio stays');
    // This title is protected: no HLS (test/api/renditionCap.test.ts filters a clear title's HLS master).
    assert.equal(small.body.manifests.hls, null);
  });
});

describe('regional availability windows', () => {
  let windowed: string;
  let windowedVideo: string;

  before(async () => {
    windowed = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Windowed Feature', genres: ['Drama'] }, partnerToken)).body.id;
    windowedVideo = (await server.m.services.studio.shareVideo(videoId, { titleId: windowed })).id;
  });

  const listed = async (token: string) => ((await api.get('/api/v1/titles?limit=100', token)).body.items as { id: string }[]).map((t) => t.id);

  test('outside its window a title is 451 at playback start and hidden from browse, search and details there', async () => {
    const day = 86_400_000;
    const set = await api.put(`/api/v1/studio/titles/${windowed}/availability`, {
      windows: [
        { country: 'US', startsAt: new Date(Date.now() - 10 * day).toISOString(), endsAt: new Date(Date.now() - day).toISOString() },
        { country: 'gb', startsAt: new Date(Date.now() - day).toISOString(), endsAt: null },
        { country: 'FR', startsAt: new Date(Date.now() + day).toISOString(), endsAt: null },
      ],
    }, partnerToken);
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.windows.map((w: { country: string }) => w.country), ['FR', 'GB', 'US']);

    const us = await api.viewer({ country: 'US' });
    const gb = await api.viewer({ country: 'GB' });
    const fr = await api.viewer({ country: 'FR' });
    const refused = await api.post(`/api/v1/playback/${windowedVideo}/start`, {}, us.profileToken);
    assert.equal(refused.status, 451);
    assert.equal(refused.body.error.code, 'not_licensed_here');
    assert.equal((await api.post(`/api/v1/playback/${windowedVideo}/start`, {}, fr.profileToken)).status, 451, 'window not open yet');
    assert.equal((await api.post(`/api/v1/playback/${windowedVideo}/start`, {}, gb.profileToken)).status, 200);

    assert.ok(!(await listed(us.profileToken)).includes(windowed));
    assert.ok((await listed(gb.profileToken)).includes(windowed));
    assert.equal((await api.get(`/api/v1/titles/${windowed}`, us.profileToken)).status, 451);
    await server.m.services.search.idle();
    const found = async (token: string) => ((await api.get('/api/v1/search?q=Windowed', token)).body.items as { id: string }[]).map((t) => t.id);
    assert.ok(!(await found(us.profileToken)).includes(windowed), 'not found by search in the US');
    assert.ok((await found(gb.profileToken)).includes(windowed), 'found by search in GB');
    const home = await api.get('/api/v1/home', us.profileToken);
    assert.ok(!JSON.stringify(home.body).includes(windowed), 'not on the US home page');
  });

  test('a title licensed only elsewhere is 451; bad windows are 400; only the owner may set them', async () => {
    const regional = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Only In Canada', regions: ['CA'] }, partnerToken)).body.id;
    const regionalVideo = (await server.m.services.studio.shareVideo(videoId, { titleId: regional })).id;
    const us = await api.viewer({ country: 'US' });
    assert.equal((await api.post(`/api/v1/playback/${regionalVideo}/start`, {}, us.profileToken)).status, 451);
    assert.ok(!(await listed(us.profileToken)).includes(regional));

    const backwards = await api.put(`/api/v1/studio/titles/${regional}/availability`, { windows: [{ country: 'US', startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' }] }, partnerToken);
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.error.field, 'windows.0.endsAt');
    assert.equal((await api.put(`/api/v1/studio/titles/${regional}/availability`, { windows: [{ country: 'USA', startsAt: '2026-01-01T00:00:00Z' }] }, partnerToken)).status, 400);
    const other = await server.partnerToken();
    assert.equal((await api.put(`/api/v1/studio/titles/${regional}/availability`, { windows: [] }, other)).status, 403);
    assert.equal((await api.put(`/api/v1/studio/titles/${regional}/availability`, { windows: [] }, us.accessToken)).status, 403);
  });
});
