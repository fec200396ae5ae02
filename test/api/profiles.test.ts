import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

let server: TestServer;
let api: ReturnType<typeof apiClient>;
before(async () => {
  server = await startTestServer();
  api = apiClient(server.url);
});
after(() => server.close());

test('profiles need an account token', async () => {
  assert.equal((await api.get('/api/v1/profiles')).status, 401);
});

test('create, list and select profiles; a kids profile is capped at 7+', async () => {
  const acct = await api.signup();
  const adult = await api.post('/api/v1/profiles', { name: 'Alex' }, acct.accessToken);
  assert.equal(adult.status, 201);
  assert.deepEqual({ ...adult.body, id: undefined }, { id: undefined, name: 'Alex', kids: false, maturityRating: '18+', language: 'en', avatarUrl: adult.body.avatarUrl });
  assert.equal((await api.get(adult.body.avatarUrl)).status, 200);
  const kid = await api.post('/api/v1/profiles', { name: 'Sam', kids: true }, acct.accessToken);
  assert.equal(kid.body.maturityRating, '7+');
  const tooHigh = await api.post('/api/v1/profiles', { name: 'Jo', kids: true, maturityRating: '16+' }, acct.accessToken);
  assert.equal(tooHigh.status, 400);
  assert.equal(tooHigh.body.error.field, 'maturityRating');
  const list = await api.get('/api/v1/profiles', acct.accessToken);
  assert.deepEqual(list.body.items.map((p: { name: string }) => p.name), ['Alex', 'Sam']);

  const selected = await api.post(`/api/v1/profiles/${kid.body.id}/select`, { deviceId: 'tv-1' }, acct.accessToken);
  assert.equal(selected.status, 200);
  assert.equal(selected.body.profile.id, kid.body.id);
  assert.equal((await api.get('/api/v1/continue-watching', selected.body.accessToken)).status, 200);
  // An account token is not enough for what a viewer does.
  assert.equal((await api.get('/api/v1/continue-watching', acct.accessToken)).status, 403);
});

test('bad profile input is 400 naming the field; duplicate name 409; the sixth profile 409', async () => {
  const acct = await api.signup();
  const blank = await api.post('/api/v1/profiles', { name: '   ' }, acct.accessToken);
  assert.equal(blank.status, 400);
  assert.equal(blank.body.error.field, 'name');
  const wrongType = await api.post('/api/v1/profiles', { name: 'A', kids: 'yes' }, acct.accessToken);
  assert.equal(wrongType.body.error.field, 'kids');
  for (const name of ['One', 'Two', 'Three', 'Four', 'Five']) assert.equal((await api.post('/api/v1/profiles', { name }, acct.accessToken)).status, 201);
  const dup = await api.post('/api/v1/profiles', { name: 'One' }, acct.accessToken);
  assert.equal(dup.status, 409);
  const sixth = await api.post('/api/v1/profiles', { name: 'Six' }, acct.accessToken);
  assert.equal(sixth.status, 409);
  assert.equal(sixth.body.error.code, 'profile_limit');
});

test("selecting someone else's profile is 403, an unknown one 404", async () => {
  const a = await api.viewer();
  const b = await api.signup();
  assert.equal((await api.post(`/api/v1/profiles/${a.profileId}/select`, {}, b.accessToken)).status, 403);
  assert.equal((await api.post('/api/v1/profiles/no-such-profile/select', {}, b.accessToken)).status, 404);
});
