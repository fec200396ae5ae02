import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DomainEvent } from '../../src/platform/events/index.ts';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

let server: TestServer;
let api: ReturnType<typeof apiClient>;
let movie: { titleId: string; videoId: string };
let series: { titleId: string; episodes: { id: string; videoId: string }[] };

/** Titles published straight through the catalog: viewing needs no real media. */
before(async () => {
  server = await startTestServer();
  api = apiClient(server.url);
  const catalog = server.m.services.catalog;
  const m = await catalog.createTitle({ type: 'movie', name: 'Long Film', genres: ['Drama'] }, null);
  await catalog.attachVideo({ titleId: m.id, videoId: 'v-movie', durationSec: 100 });
  movie = { titleId: m.id, videoId: 'v-movie' };
  const s = await catalog.createTitle({ type: 'series', name: 'Serial', genres: ['Drama'] }, null);
  const eps = [];
  for (const [season, number] of [[1, 1], [1, 2], [2, 1]] as const) {
    const e = await catalog.addEpisode(s.id, { season, number, name: `S${season}E${number}` });
    await catalog.attachVideo({ titleId: s.id, episodeId: e.id, videoId: `v-s${season}e${number}`, durationSec: 60 });
    eps.push({ id: e.id, videoId: `v-s${season}e${number}` });
  }
  series = { titleId: s.id, episodes: eps };
});
after(() => server.close());

const progress = (token: string, body: Record<string, unknown>) => api.post('/api/v1/progress', body, token);

describe('progress', () => {
  test('an older update arriving late never moves the position back', async () => {
    const v = await api.viewer();
    await progress(v.profileToken, { videoId: movie.videoId, positionSec: 50, at: '2026-01-01T10:00:10Z' });
    assert.equal((await progress(v.profileToken, { videoId: movie.videoId, positionSec: 20, at: '2026-01-01T10:00:05Z' })).status, 202);
    const cw = (await api.get('/api/v1/continue-watching', v.profileToken)).body.items;
    assert.equal(cw[0].positionSec, 50);
  });

  test('concurrent updates coalesce to the newest', async () => {
    const v = await api.viewer();
    const base = Date.parse('2026-02-01T00:00:00Z');
    const sends = Array.from({ length: 40 }, (_, i) => progress(v.profileToken, { videoId: movie.videoId, positionSec: 10 + i, at: new Date(base + i * 1000).toISOString() }));
    const statuses = (await Promise.all(sends)).map((r) => r.status);
    assert.ok(statuses.every((s) => s === 202));
    const start = await api.post(`/api/v1/playback/${movie.videoId}/start`, {}, v.profileToken);
    assert.equal((await server.m.services.viewing.resumePositionSec(v.profileId, movie.videoId)), 49);
    assert.equal(start.status, 404, 'no encoded video behind this catalog-only title');
  });

  test('bad updates: past the end, negative, unknown video, bad time', async () => {
    const v = await api.viewer();
    const past = await progress(v.profileToken, { videoId: movie.videoId, positionSec: 150 });
    assert.equal(past.status, 400);
    assert.equal(past.body.error.field, 'positionSec');
    assert.equal((await progress(v.profileToken, { videoId: movie.videoId, positionSec: -3 })).body.error.field, 'positionSec');
    assert.equal((await progress(v.profileToken, { videoId: 'nope', positionSec: 3 })).status, 404);
    assert.equal((await progress(v.profileToken, { videoId: movie.videoId, positionSec: 3, at: 'yesterday' })).body.error.field, 'at');
    assert.equal((await progress(v.profileToken, { videoId: movie.videoId, positionSec: 3, at: '2999-01-01T00:00:00Z' })).body.error.field, 'at');
    assert.equal((await api.get('/api/v1/history', v.profileToken)).body.items.length, 0, 'nothing was half-written');
  });
});

describe('continue watching', () => {
  test('only titles past 5% and unfinished; resume works from another device', async () => {
    const v = await api.viewer();
    await progress(v.profileToken, { videoId: movie.videoId, positionSec: 3, deviceId: 'tv' });
    assert.equal((await api.get('/api/v1/continue-watching', v.profileToken)).body.items.length, 0, '3% is only sampling');
    await progress(v.profileToken, { videoId: movie.videoId, positionSec: 40, deviceId: 'tv' });
    const cw = (await api.get('/api/v1/continue-watching', v.profileToken)).body.items;
    assert.deepEqual(cw.map((i: { titleId: string; progress: number }) => [i.titleId, i.progress]), [[movie.titleId, 0.4]]);
    assert.equal(await server.m.services.viewing.resumePositionSec(v.profileId, movie.videoId), 40);
  });

  test('finishing an episode shows the next one, across seasons; the last one drops out', async () => {
    const v = await api.viewer();
    const [e1, e2, e3] = series.episodes;
    await progress(v.profileToken, { videoId: e1!.videoId, positionSec: 59 });
    let cw = (await api.get('/api/v1/continue-watching', v.profileToken)).body.items;
    assert.deepEqual([cw[0].episodeId, cw[0].upNext, cw[0].positionSec], [e2!.id, true, 0]);
    await progress(v.profileToken, { videoId: e2!.videoId, positionSec: 58 });
    cw = (await api.get('/api/v1/continue-watching', v.profileToken)).body.items;
    assert.equal(cw[0].episodeId, e3!.id, 'moves on to season 2');
    await progress(v.profileToken, { videoId: e3!.videoId, positionSec: 60 });
    assert.equal((await api.get('/api/v1/continue-watching', v.profileToken)).body.items.length, 0);
  });

  test('an item can be dismissed, and comes back when watched again', async () => {
    const v = await api.viewer();
    await progress(v.profileToken, { videoId: movie.videoId, positionSec: 30 });
    assert.equal((await api.call('DELETE', `/api/v1/continue-watching/${movie.titleId}`, { token: v.profileToken })).status, 204);
    assert.equal((await api.get('/api/v1/continue-watching', v.profileToken)).body.items.length, 0);
    await progress(v.profileToken, { videoId: movie.videoId, positionSec: 35 });
    assert.equal((await api.get('/api/v1/continue-watching', v.profileToken)).body.items.length, 1);
  });
});

describe('history', () => {
  test('records device and time watched; remove one, export, delete all', async () => {
    const v = await api.viewer();
    const t0 = Date.parse('2026-03-01T20:00:00Z');
    for (const [i, pos] of [0, 10, 20, 30].entries()) await progress(v.profileToken, { videoId: movie.videoId, positionSec: pos, deviceId: 'phone', at: new Date(t0 + i * 10_000).toISOString() });
    await progress(v.profileToken, { videoId: movie.videoId, positionSec: 90, deviceId: 'phone', at: new Date(t0 + 50_000).toISOString() });
    await progress(v.profileToken, { videoId: series.episodes[0]!.videoId, positionSec: 12, deviceId: 'tv' });
    const history = (await api.get('/api/v1/history', v.profileToken)).body.items;
    assert.equal(history.length, 2);
    const film = history.find((h: { videoId: string }) => h.videoId === movie.videoId);
    assert.equal(film.watchedSec, 30, 'the seek from 30 to 90 is not time watched');
    assert.equal(film.deviceId, 'phone');
    assert.equal(film.title.name, 'Long Film');

    const csv = await api.get('/api/v1/history/export?format=csv', v.profileToken);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.equal(csv.body.trim().split('\r\n').length, 3);
    assert.match(csv.body, /^title,titleId,/);
    const json = await api.get('/api/v1/history/export?format=json', v.profileToken);
    assert.equal(json.body.items.length, 2);
    assert.match(json.headers.get("content-disposition") ?? "", /attachment/);

    assert.equal((await api.call('DELETE', `/api/v1/history/${movie.videoId}`, { token: v.profileToken })).status, 204);
    assert.equal((await api.call('DELETE', `/api/v1/history/${movie.videoId}`, { token: v.profileToken })).status, 404);
    assert.equal((await api.get('/api/v1/history', v.profileToken)).body.items.length, 1);
    assert.equal(await server.m.services.viewing.resumePositionSec(v.profileId, movie.videoId), 0);
    assert.equal((await api.call('DELETE', '/api/v1/history', { token: v.profileToken })).status, 204);
    assert.equal((await api.get('/api/v1/history', v.profileToken)).body.items.length, 0);
  });
});

describe('my list and ratings', () => {
  test('add, list in order, reorder, remove', async () => {
    const v = await api.viewer();
    assert.equal((await api.put(`/api/v1/my-list/${movie.titleId}`, undefined, v.profileToken)).status, 204);
    assert.equal((await api.put(`/api/v1/my-list/${series.titleId}`, undefined, v.profileToken)).status, 204);
    assert.equal((await api.put(`/api/v1/my-list/${movie.titleId}`, undefined, v.profileToken)).status, 204, 'adding twice is fine');
    const names = async () => (await api.get('/api/v1/my-list', v.profileToken)).body.items.map((t: { name: string }) => t.name);
    assert.deepEqual(await names(), ['Long Film', 'Serial']);
    const home = (await api.get('/api/v1/home', v.profileToken)).body.rows;
    assert.deepEqual(home.find((r: { kind: string }) => r.kind === 'my_list').items.map((t: { name: string }) => t.name), ['Long Film', 'Serial']);
    assert.equal((await api.put('/api/v1/my-list', { titleIds: [series.titleId, movie.titleId] }, v.profileToken)).status, 204);
    assert.deepEqual(await names(), ['Serial', 'Long Film']);
    assert.equal((await api.put('/api/v1/my-list', { titleIds: [movie.titleId] }, v.profileToken)).status, 204, 'a partial order puts the named first');
    assert.deepEqual(await names(), ['Long Film', 'Serial']);
    const bad = await api.put('/api/v1/my-list', { titleIds: [movie.titleId, 'not-on-list'] }, v.profileToken);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'titleIds');
    assert.equal((await api.call('DELETE', `/api/v1/my-list/${movie.titleId}`, { token: v.profileToken })).status, 204);
    assert.deepEqual(await names(), ['Serial']);
    assert.equal((await api.put('/api/v1/my-list/no-such-title', undefined, v.profileToken)).status, 404);
  });

  test('thumbs down, up, two up; bad ratings are 400, unknown titles 404', async () => {
    const v = await api.viewer();
    for (const rating of [-1, 1, 2]) {
      assert.equal((await api.put(`/api/v1/ratings/${movie.titleId}`, { rating }, v.profileToken)).status, 204);
      assert.equal((await api.get(`/api/v1/ratings/${movie.titleId}`, v.profileToken)).body.rating, rating);
    }
    const bad = await api.put(`/api/v1/ratings/${movie.titleId}`, { rating: 5 }, v.profileToken);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'rating');
    assert.equal((await api.put('/api/v1/ratings/nope', { rating: 1 }, v.profileToken)).status, 404);
    assert.equal((await api.call('DELETE', `/api/v1/ratings/${movie.titleId}`, { token: v.profileToken })).status, 204);
    assert.equal((await api.get(`/api/v1/ratings/${movie.titleId}`, v.profileToken)).body.rating, null);
  });
});

describe('events', () => {
  test('changes reach subscribers at least once, in order per profile, and a failing consumer is retried', async () => {
    const v = await api.viewer();
    const seen: DomainEvent[] = [];
    let failuresLeft = 2;
    const relay = server.m.startEventRelay([
      {
        name: `test-${v.profileId}`,
        types: ['viewing.progress', 'viewing.completed', 'viewing.rated', 'viewing.my_list_changed'],
        handle: async (e) => {
          if ((e.payload as { profileId: string }).profileId !== v.profileId) return;
          if (e.type === 'viewing.rated' && failuresLeft-- > 0) throw new Error('consumer down');
          if (!seen.some((s) => s.id === e.id)) seen.push(e);
        },
      },
    ]);
    try {
      await progress(v.profileToken, { videoId: movie.videoId, positionSec: 10 });
      await api.put(`/api/v1/ratings/${movie.titleId}`, { rating: 2 }, v.profileToken);
      await api.put(`/api/v1/my-list/${movie.titleId}`, undefined, v.profileToken);
      await progress(v.profileToken, { videoId: movie.videoId, positionSec: 99 });
      const until = Date.now() + 15_000;
      while (seen.length < 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(seen.map((e) => e.type), ['viewing.progress', 'viewing.rated', 'viewing.my_list_changed', 'viewing.progress', 'viewing.completed']);
      assert.equal(failuresLeft, -1, 'the rating event was retried after two failures');
      assert.ok(seen.every((e, i) => i === 0 || e.seq > seen[i - 1]!.seq));
    } finally {
      await relay.stop();
    }
  });
});
