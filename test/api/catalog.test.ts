import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

let server: TestServer;
let api: ReturnType<typeof apiClient>;
let partnerToken: string;

/** Creates a title through the studio API and publishes it as if its encode had finished. */
async function publishedTitle(body: Record<string, unknown>): Promise<string> {
  const res = await api.post('/api/v1/studio/titles', body, partnerToken);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await server.m.services.catalog.attachVideo({ titleId: res.body.id, videoId: `video-${res.body.id}`, durationSec: 60 });
  return res.body.id;
}

before(async () => {
  server = await startTestServer();
  api = apiClient(server.url);
  partnerToken = await server.partnerToken();
  const specs: [string, number, string, string[], number][] = [
    ['The Alpha', 1999, '18+', ['Thriller'], 50],
    ['Bravo', 2021, 'all', ['Animation', 'Family'], 90],
    ['Charlie', 2010, '13+', ['Comedy'], 70],
    ['Delta', 2015, '7+', ['Animation'], 10],
    ['Echo', 2024, '16+', ['Thriller', 'Crime'], 30],
  ];
  for (const [name, year, maturityRating, genres, popularity] of specs) {
    const id = await publishedTitle({ type: 'movie', name, year, maturityRating, genres, cast: ['A Person'], directors: ['A Director'] });
    // Popularity is the recommender's to set; the test sets it directly.
    await server.m.database.db.withTables<{ titles: { id: string; popularity: number } }>().updateTable('titles').set({ popularity }).where('id', '=', id).execute();
  }
});
after(() => server.close());

describe('listing', () => {
  test('sorts by popularity, newness and name (ignoring "The")', async () => {
    const names = async (sort: string) => (await api.get(`/api/v1/titles?sort=${sort}`)).body.items.map((t: { name: string }) => t.name);
    assert.deepEqual(await names('popular'), ['Bravo', 'Charlie', 'The Alpha', 'Echo', 'Delta']);
    assert.deepEqual(await names('new'), ['Echo', 'Bravo', 'Delta', 'Charlie', 'The Alpha']);
    assert.deepEqual(await names('title'), ['The Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']);
  });

  test('filters by genre and type; genres are listed', async () => {
    const anim = await api.get('/api/v1/titles?genre=animation');
    assert.deepEqual(anim.body.items.map((t: { name: string }) => t.name).sort(), ['Bravo', 'Delta']);
    assert.equal((await api.get('/api/v1/titles?type=series')).body.items.length, 0);
    const genres = await api.get('/api/v1/genres');
    assert.ok(genres.body.items.some((g: { id: string; name: string }) => g.id === 'animation' && g.name === 'Animation'));
  });

  test('cursor pagination walks every title exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await api.get(`/api/v1/titles?limit=2&sort=new${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.items.map((t) => t.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
  });

  test('bad query parameters are 400 naming the field', async () => {
    for (const [qs, field] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['sort=best', 'sort'], ['type=film', 'type'], ['cursor=garbage', 'cursor']]) {
      const res = await api.get(`/api/v1/titles?${qs}`);
      assert.equal(res.status, 400, qs);
      assert.equal(res.body.error.field, field, qs);
    }
  });

  test('a kids profile never sees titles above its rating', async () => {
    const kid = await api.viewer({ kids: true });
    const res = await api.get('/api/v1/titles?limit=100', kid.profileToken);
    assert.deepEqual(res.body.items.map((t: { name: string }) => t.name).sort(), ['Bravo', 'Delta']);
    const thriller = (await api.get('/api/v1/titles?genre=thriller')).body.items[0].id;
    assert.equal((await api.get(`/api/v1/titles/${thriller}`, kid.profileToken)).status, 404);
  });
});

describe('title details', () => {
  test('a movie has its cast, directors and videoId; unknown is 404', async () => {
    const id = (await api.get('/api/v1/titles?sort=title&limit=1')).body.items[0].id;
    const res = await api.get(`/api/v1/titles/${id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.name, 'The Alpha');
    assert.deepEqual(res.body.cast, ['A Person']);
    assert.deepEqual(res.body.directors, ['A Director']);
    assert.equal(res.body.videoId, `video-${id}`);
    assert.equal((await api.get('/api/v1/titles/unknown-title')).status, 404);
  });

  test('a series lists seasons with episodes; unpublished titles stay hidden', async () => {
    const series = await api.post('/api/v1/studio/titles', { type: 'series', name: 'Foxtrot', genres: ['Drama'] }, partnerToken);
    const e2 = await api.post(`/api/v1/studio/titles/${series.body.id}/episodes`, { season: 1, number: 2, name: 'Second' }, partnerToken);
    const e1 = await api.post(`/api/v1/studio/titles/${series.body.id}/episodes`, { season: 1, number: 1, name: 'First' }, partnerToken);
    assert.equal(e1.status, 201);
    assert.equal((await api.post(`/api/v1/studio/titles/${series.body.id}/episodes`, { season: 1, number: 1, name: 'Again' }, partnerToken)).status, 409);
    assert.equal((await api.post(`/api/v1/studio/titles/${series.body.id}/episodes`, { season: 0, number: 1, name: 'Bad' }, partnerToken)).body.error.field, 'season');
    assert.equal((await api.get(`/api/v1/titles/${series.body.id}`)).status, 404);
    await server.m.services.catalog.attachVideo({ titleId: series.body.id, episodeId: e1.body.id, videoId: 'v-e1', durationSec: 42 });
    const res = await api.get(`/api/v1/titles/${series.body.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.seasons.map((s: { number: number; episodes: { name: string; videoId: string | null }[] }) => [s.number, s.episodes.map((e) => [e.name, e.videoId])]), [[1, [['First', 'v-e1'], ['Second', null]]]]);
    assert.ok(e2.body.id);
  });

  test('a title licensed only in some countries is 451 elsewhere and absent from listings', async () => {
    const id = await publishedTitle({ type: 'movie', name: 'Golf', regions: ['DE', 'FR'] });
    const us = await api.viewer({ country: 'US' });
    const de = await api.viewer({ country: 'DE' });
    assert.equal((await api.get(`/api/v1/titles/${id}`, us.profileToken)).status, 451);
    assert.equal((await api.get(`/api/v1/titles/${id}`, de.profileToken)).status, 200);
    const usList = (await api.get('/api/v1/titles?limit=100', us.profileToken)).body.items.map((t: { id: string }) => t.id);
    assert.ok(!usList.includes(id));
  });

  test('only the owning partner may add episodes; a viewer may not create titles', async () => {
    const viewer = await api.signup();
    assert.equal((await api.post('/api/v1/studio/titles', { type: 'movie', name: 'X' }, viewer.accessToken)).status, 403);
    const other = await api.signup();
    await server.m.services.identity.setRole(other.accountId, 'partner');
    const otherToken = (await api.post('/api/v1/auth/login', { email: other.email, password: other.password })).body.accessToken;
    const series = await api.post('/api/v1/studio/titles', { type: 'series', name: 'Hotel' }, partnerToken);
    assert.equal((await api.post(`/api/v1/studio/titles/${series.body.id}/episodes`, { season: 1, number: 1, name: 'E' }, otherToken)).status, 403);
    assert.equal((await api.post('/api/v1/studio/titles/none/episodes', { season: 1, number: 1, name: 'E' }, partnerToken)).status, 404);
    const invalid = await api.post('/api/v1/studio/titles', { type: 'movie' }, partnerToken);
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.field, 'name');
  });
});
