import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';
import { type RediSearchServer, startRediSearch } from '../support/redisearch.ts';
import { eventually } from '../support/eventually.ts';

/**
 * The whole system with SEARCH_ENGINE=redisearch: the index lives in a RediSearch server, is built
 * at start and follows catalog events; the API answers as with the embedded engine (the engine
 * behaviour itself is in src/adapters/search/searchBackend.contract.test.ts).
 */
const redisearch = await startRediSearch();
const skip = !redisearch;

describe('search on a RediSearch server', { skip }, () => {
  let rs: RediSearchServer;
  let server: TestServer;
  let api: ReturnType<typeof apiClient>;
  let partnerToken: string;

  const names = async (q: string, token?: string) => {
    const res = await api.get(`/api/v1/search?q=${encodeURIComponent(q)}`, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return (res.body.items as { name: string }[]).map((t) => t.name);
  };
  const createTitle = async (body: Record<string, unknown>): Promise<string> => {
    const res = await api.post('/api/v1/studio/titles', body, partnerToken);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id;
  };
  const publish = (titleId: string) => server.m.services.catalog.attachVideo({ titleId, videoId: `video-${titleId}`, durationSec: 60 });

  before(async () => {
    rs = redisearch!;
    server = await startTestServer({ SEARCH_ENGINE: 'redisearch', SEARCH_REDIS_URL: rs.url });
    api = apiClient(server.url);
    partnerToken = await server.partnerToken();
    for (const [name, maturityRating, cast] of [
      ['Interstellar', '13+', ['Matthew McConaughey']],
      ['Toy Story', 'all', ['Tom Hanks']],
      ['Cast Away', '13+', ['Tom Hanks']],
    ] as const) await publish(await createTitle({ type: 'movie', name, maturityRating, genres: ['Drama'], cast }));
    await server.m.services.search.idle();
  });
  after(async () => {
    await server?.close();
    await rs?.stop();
  });

  test('typos, people and suggestions are answered from the server', async () => {
    assert.equal((await names('intrstellar'))[0], 'Interstellar');
    assert.deepEqual((await names('tom hanks')).sort(), ['Cast Away', 'Toy Story']);
    const s = await api.get('/api/v1/search/suggest?q=tom%20h');
    assert.equal(s.status, 200);
    assert.equal(s.body.people[0].name, 'Tom Hanks');
    assert.equal(s.body.people[0].titleCount, 2);
    const client = rs.client();
    assert.equal(await client.scard('marquee:search:ids'), 3, 'the titles are in the server index');
  });

  test('a published title is found, a withdrawn one disappears, from catalog events', async () => {
    const id = await createTitle({ type: 'movie', name: 'Quokka Island', maturityRating: 'all' });
    assert.deepEqual(await names('quokka'), []);
    await publish(id);
    await eventually(async () => (await names('quokka')).includes('Quokka Island'), 'published title searchable');
    await server.m.services.catalog.withdrawTitle(id);
    await eventually(async () => (await names('quokka')).length === 0, 'withdrawn title gone');
    assert.deepEqual((await api.get('/api/v1/search/suggest?q=quokk')).body.items, []);
  });
});
