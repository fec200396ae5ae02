import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { OutboxRelay } from '../../src/platform/events/index.ts';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

// A small hand-made catalog and audience: horror fans, comedy fans, families, and grown-ups who
// watch both cartoons and 18+ thrillers (so a cartoon's neighbours include titles a kid may not see).
let server: TestServer;
let api: ReturnType<typeof apiClient>;
let admin: string;
let relay: OutboxRelay;
const ids = new Map<string, string>();
const id = (name: string) => ids.get(name)!;
const DURATION = 600;

type Item = { id: string; name: string; genres: string[]; maturityRating: string; score?: number; rank?: number };
type Row = { id: string; kind: string; title: string; reason: string; items: Item[] };

const HORROR = ['Crypt', 'Hollow', 'Wail', 'Shade', 'Grave', 'Mire', 'Fang', 'Gloom'].map((n) => `Night of the ${n}`);
const COMEDY = ['Pratfall', 'Banana Peel', 'Whoopee', 'Slapstick', 'Punchline', 'Giggle', 'Chuckle', 'Snort', 'Guffaw', 'Zinger'];
const CARTOON = ['Bunny Hop', 'Tiny Tugboat', 'Robot Pals', 'Dino Dig', 'Sky Kites', 'Puddle Jump'];
const THRILLER = ['Cold Steel', 'Dead Drop', 'Blackout', 'Knife Edge'];
// The rest of a (still small) catalog, so rows have titles enough to differ.
const WORDS = ['River', 'Harbour', 'Summit', 'Orchard', 'Lantern', 'Meadow', 'Compass', 'Harvest', 'Voyage', 'Signal', 'Canyon', 'Ember', 'Glacier', 'Tides', 'Atlas', 'Beacon', 'Cinder', 'Delta', 'Echoes', 'Frontier'];
const FILLER = ['Drama', 'Action', 'Documentary', 'Romance', 'Sci-Fi'].flatMap((g) => WORDS.map((w) => ({ name: `${g} ${w}`, genre: g })));

async function title(name: string, genres: string[], maturityRating: string, extra: { cast?: string[]; directors?: string[]; year?: number; synopsis?: string } = {}) {
  const catalog = server.m.services.catalog;
  const t = await catalog.createTitle({ type: 'movie', name, genres, maturityRating: maturityRating as 'all', year: extra.year ?? 2015, ...extra }, null);
  await catalog.attachVideo({ titleId: t.id, videoId: `v-${t.id}`, durationSec: DURATION });
  ids.set(name, t.id);
}

/** Someone (not signed in over HTTP: the viewing service takes any profile id) watches titles to the end. */
async function watch(profileId: string, names: string[], share = 1) {
  for (const n of names) await server.m.services.viewing.recordProgress(profileId, { videoId: `v-${id(n)}`, positionSec: DURATION * share });
}

async function train() {
  const res = await api.post('/api/v1/admin/recommendations/train', {}, admin);
  assert.equal(res.status, 202, JSON.stringify(res.body));
  for (let i = 0; i < 300; i++) {
    const job = (await api.get(`/api/v1/admin/recommendations/jobs/${res.body.jobId}`, admin)).body;
    if (job.status === 'succeeded') return job;
    assert.notEqual(job.status, 'failed', JSON.stringify(job));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('training did not finish');
}

const home = async (token: string, query = '') => (await api.get(`/api/v1/home${query}`, token)).body as { rows: Row[]; onboarding: boolean; source: string };
const recs = async (token: string, limit = 20) => (await api.get(`/api/v1/recommendations?limit=${limit}`, token)).body.items as Item[];
const finishOverHttp = async (token: string, name: string, share = 1) => assert.equal((await api.post('/api/v1/progress', { videoId: `v-${id(name)}`, positionSec: DURATION * share }, token)).status, 202);

before(async () => {
  // Load shedding off: this file's set-up is heavy on a shared machine, and shedding is not what it tests.
  server = await startTestServer({ MARQUEE_ADMIN_EMAIL: 'admin@example.com', MARQUEE_ADMIN_PASSWORD: 'admin-password', REC_MODEL_CHECK_SEC: '0', LOAD_EVENT_LOOP_DELAY_MS: '600000', LOAD_LATENCY_MS: '600000' }, { worker: true });
  api = apiClient(server.url);
  admin = (await api.post('/api/v1/auth/login', { email: 'admin@example.com', password: 'admin-password' })).body.accessToken;
  relay = server.m.startEventRelay([]);
  for (const n of HORROR) await title(n, ['Horror'], '16+', { directors: ['Vera Grim'], synopsis: 'Something stirs in the dark house.' });
  for (const n of COMEDY) await title(n, ['Comedy'], 'all', { directors: ['Joe Jolly'] });
  for (const n of CARTOON) await title(n, ['Animation', 'Children'], 'all', { directors: ['Ann Doodle'] });
  for (const n of THRILLER) await title(n, ['Thriller'], '18+', { directors: ['Max Noir'] });
  for (const f of FILLER) await title(f.name, [f.genre], '13+');
  await title('Slasher Prime', ['Horror'], '16+', { directors: ['Vera Grim'] });
  await title('Slasher Echo', ['Horror'], '16+', { directors: ['Vera Grim'] });
  // Nobody has played this one: only its content (genre, director, synopsis) can place it.
  await title('Fresh Fright', ['Horror'], '16+', { directors: ['Vera Grim'], synopsis: 'Something stirs in the dark house.', year: 2026 });

  for (let u = 0; u < 8; u++) await watch(`slasher-fan-${u}`, [HORROR[0]!, HORROR[1]!, HORROR[2]!, 'Slasher Prime', 'Slasher Echo']);
  for (let u = 0; u < 8; u++) await watch(`horror-fan-${u}`, [HORROR[0]!, HORROR[1]!, HORROR[2]!, HORROR[3]!, HORROR[4]!, HORROR[5 + (u % 3)]!]);
  for (let u = 0; u < 12; u++) await watch(`comedy-fan-${u}`, COMEDY.filter((_, i) => (i + u) % 3 !== 0));
  for (let u = 0; u < 6; u++) await watch(`family-${u}`, CARTOON.filter((_, i) => (i + u) % 2 === 0));
  for (let u = 0; u < 10; u++) await watch(`night-owl-${u}`, [CARTOON[0]!, CARTOON[1]!, ...THRILLER]);
  for (let u = 0; u < 20; u++) await watch(`browser-${u}`, FILLER.filter((_, i) => (i * 7 + u) % 9 === 0).map((f) => f.name));
  await train();
});
after(() => server.close());

const isHorror = (t: Item) => t.genres.includes('Horror');

describe('recommendations', () => {
  test('a profile that watched only horror gets horror picks, and not what it finished', async () => {
    const v = await api.viewer();
    for (const n of [HORROR[0]!, HORROR[3]!, HORROR[4]!]) await finishOverHttp(v.profileToken, n);
    const items = await recs(v.profileToken, 6);
    assert.equal(items.length, 6);
    assert.ok(items.slice(0, 4).every(isHorror), items.map((t) => t.name).join());
    assert.ok(items.every((t) => typeof t.score === 'number'));
    const finished = new Set([id(HORROR[0]!), id(HORROR[3]!), id(HORROR[4]!)]);
    assert.ok(items.every((t) => !finished.has(t.id)));
    const picks = (await home(v.profileToken)).rows.find((r) => r.kind === 'top_picks')!;
    assert.ok(picks.items.slice(0, 5).every(isHorror), picks.items.map((t) => t.name).join());
  });

  test('thumbs down removes a title and pushes down the titles watched with it', async () => {
    const v = await api.viewer();
    for (const n of HORROR.slice(0, 3)) await finishOverHttp(v.profileToken, n);
    const rel = (items: Item[]) => {
      const score = (name: string) => items.find((t) => t.id === id(name))?.score ?? 0;
      return score('Slasher Echo') / score(HORROR[3]!);
    };
    const before = await recs(v.profileToken, 100);
    assert.ok(before.some((t) => t.id === id('Slasher Prime')));
    assert.equal((await api.put(`/api/v1/ratings/${id('Slasher Prime')}`, { rating: -1 }, v.profileToken)).status, 204);
    const afterDown = await recs(v.profileToken, 100);
    assert.ok(!afterDown.some((t) => t.id === id('Slasher Prime')), 'the title itself is gone');
    assert.ok(rel(afterDown) < rel(before), `Slasher Echo (always watched with Slasher Prime) falls against an unrelated horror title: ${rel(before)} -> ${rel(afterDown)}`);
    await relay.drain();
    const rows = (await home(v.profileToken)).rows;
    assert.ok(rows.every((r) => r.items.every((t) => t.id !== id('Slasher Prime'))), 'nor on any row of the home page');
  });

  test('a kids profile never gets a mature title, though its cartoons are watched beside 18+ thrillers', async () => {
    const history = [CARTOON[0]!, CARTOON[1]!];
    const grownUp = await api.viewer();
    for (const n of history) await finishOverHttp(grownUp.profileToken, n);
    assert.ok((await recs(grownUp.profileToken, 10)).some((t) => t.genres.includes('Thriller')), 'an adult with the same history is offered the thrillers');
    const kid = await api.viewer({ kids: true });
    for (const n of history) await finishOverHttp(kid.profileToken, n);
    const allowed = new Set(['all', '7+']);
    const items = await recs(kid.profileToken, 100);
    assert.ok(items.length > 0);
    assert.ok(items.every((t) => allowed.has(t.maturityRating)), items.map((t) => `${t.name}:${t.maturityRating}`).join());
    const page = await home(kid.profileToken);
    for (const r of page.rows) assert.ok(r.items.every((t) => allowed.has(t.maturityRating)), `${r.title}: ${r.items.map((t) => t.maturityRating).join()}`);
  });

  test('a new title with no plays is recommended from its content', async () => {
    const v = await api.viewer();
    for (const n of HORROR.slice(0, 3)) await finishOverHttp(v.profileToken, n);
    const items = await recs(v.profileToken, 100);
    assert.ok(items.some((t) => t.id === id('Fresh Fright')), items.map((t) => `${t.name}:${t.score}`).join());
    const because = (await home(v.profileToken)).rows.filter((r) => r.kind === 'because_you_watched');
    assert.ok(because.length >= 2, because.map((r) => r.title).join());
    assert.ok(because.some((r) => r.items.some((t) => t.id === id('Fresh Fright'))), 'a "Because you watched" row finds it');
  });

  test('recommendations need a profile token and a sane limit', async () => {
    const acct = await api.signup();
    assert.equal((await api.get('/api/v1/recommendations', acct.accessToken)).status, 403);
    assert.equal((await api.get('/api/v1/recommendations')).status, 401);
    const v = await api.viewer();
    assert.equal((await api.get('/api/v1/recommendations?limit=0', v.profileToken)).status, 400);
    assert.equal((await api.get('/api/v1/home?hour=25', v.profileToken)).status, 400);
  });

  test('only an admin may train', async () => {
    const v = await api.viewer();
    assert.equal((await api.post('/api/v1/admin/recommendations/train', {}, v.accessToken)).status, 403);
    assert.equal((await api.get('/api/v1/admin/recommendations/model', v.accessToken)).status, 403);
    assert.ok((await api.get('/api/v1/admin/recommendations/model', admin)).body.model.modelId);
  });
});

describe('home rows', () => {
  test('rows follow the rules: reasons, numbered Top 10, 40 at most, nothing twice in the first screen', async () => {
    const v = await api.viewer();
    for (const n of HORROR.slice(0, 3)) await finishOverHttp(v.profileToken, n);
    await finishOverHttp(v.profileToken, COMEDY[0]!, 0.3);
    const page = await home(v.profileToken, '?hour=21');
    assert.equal(page.source, 'recommender');
    assert.equal(page.onboarding, false);
    const kinds = page.rows.map((r) => r.kind);
    for (const k of ['continue_watching', 'top_picks', 'because_you_watched', 'popular', 'top10', 'new', 'genre']) assert.ok(kinds.includes(k), `${k} in ${kinds.join()}`);
    assert.equal(kinds[0], 'continue_watching');
    for (const r of page.rows) {
      assert.ok(r.reason && r.reason.length > 5, `${r.id} has a reason`);
      assert.ok(r.items.length >= 1 && r.items.length <= 40, `${r.id}: ${r.items.length}`);
    }
    const top10 = page.rows.find((r) => r.kind === 'top10')!;
    assert.deepEqual(top10.items.map((t) => t.rank), Array.from({ length: top10.items.length }, (_, i) => i + 1));
    assert.equal(top10.items.length, 10);
    const firstScreen = page.rows.slice(0, 4).flatMap((r) => r.items.map((t) => t.id));
    assert.equal(new Set(firstScreen).size, firstScreen.length, 'no title twice in the first four rows');
    // A row's reason names what it is about.
    const because = page.rows.filter((r) => r.kind === 'because_you_watched');
    assert.ok(because.some((r) => HORROR.slice(0, 3).some((n) => r.title.includes(n) && r.reason.includes(n))), because.map((r) => r.title).join());
  });

  test('finishing a title changes the next home page', async () => {
    const v = await api.viewer();
    for (const n of HORROR.slice(0, 2)) await finishOverHttp(v.profileToken, n);
    await finishOverHttp(v.profileToken, HORROR[2]!, 0.5);
    const before = await home(v.profileToken);
    assert.ok(before.rows.find((r) => r.kind === 'continue_watching')!.items.some((t) => t.id === id(HORROR[2]!)));
    const comedies = (page: { rows: Row[] }) => page.rows.find((r) => r.kind === 'top_picks')!.items.slice(0, 10).filter((t) => t.genres.includes('Comedy')).length;
    await finishOverHttp(v.profileToken, HORROR[2]!);
    await finishOverHttp(v.profileToken, COMEDY[2]!);
    await relay.drain();
    const afterwards = await home(v.profileToken);
    assert.ok(!afterwards.rows.some((r) => r.kind === 'continue_watching'), 'nothing left to continue');
    // The Top 10 is a chart of what the country watches: a finished title may stay on it.
    for (const r of afterwards.rows.filter((x) => x.kind !== 'top10')) assert.ok(r.items.every((t) => t.id !== id(HORROR[2]!) && t.id !== id(COMEDY[2]!)), `${r.id} no longer offers the finished titles`);
    assert.ok(comedies(afterwards) > comedies(before), `the comedy it just finished brings comedies into its picks: ${comedies(before)} -> ${comedies(afterwards)} in the first ten`);
  });

  test('a new profile is offered onboarding, and three picks give it a home built from them', async () => {
    const v = await api.viewer();
    const cold = await home(v.profileToken);
    assert.equal(cold.onboarding, true);
    assert.equal(cold.rows[0]!.kind, 'popular');
    assert.ok(!cold.rows.some((r) => r.kind === 'top_picks'));
    const choices = (await api.get('/api/v1/onboarding/titles', v.profileToken)).body;
    assert.ok(choices.items.length >= 10 && choices.minPicks === 3);
    assert.ok(new Set(choices.items.flatMap((t: Item) => t.genres)).size >= 3, 'choices span genres');
    const bad = await api.post('/api/v1/profiles/me/onboarding', { titleIds: [id(HORROR[0]!), id(HORROR[1]!)] }, v.profileToken);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'titleIds');
    assert.equal((await api.post('/api/v1/profiles/me/onboarding', { titleIds: [id(HORROR[0]!), id(HORROR[1]!), 'no-such-title'] }, v.profileToken)).body.error.code, 'unknown_titles');
    assert.equal((await api.post('/api/v1/profiles/me/onboarding', { titleIds: HORROR.slice(0, 3).map(id) }, v.accessToken)).status, 403);
    assert.equal((await api.post('/api/v1/profiles/me/onboarding', { titleIds: HORROR.slice(0, 3).map(id) }, v.profileToken)).status, 204);
    const warm = await home(v.profileToken);
    assert.equal(warm.onboarding, false);
    const picks = warm.rows.find((r) => r.kind === 'top_picks')!;
    assert.ok(picks.items.slice(0, 3).every(isHorror), picks.items.map((t) => t.name).join());
    assert.ok(warm.rows.some((r) => r.kind === 'top10'), 'and its country’s Top 10');
  });

  test('a kids profile cannot pick a mature title at onboarding', async () => {
    const kid = await api.viewer({ kids: true });
    const choices = (await api.get('/api/v1/onboarding/titles', kid.profileToken)).body.items as Item[];
    assert.ok(choices.every((t) => ['all', '7+'].includes(t.maturityRating)));
    const res = await api.post('/api/v1/profiles/me/onboarding', { titleIds: [id(CARTOON[0]!), id(CARTOON[1]!), id(THRILLER[0]!)] }, kid.profileToken);
    assert.equal(res.body.error.code, 'unknown_titles');
  });

  // Last: it breaks the recommender's storage for good.
  test('when the recommender fails, the generic popular page is served', async () => {
    const v = await api.viewer();
    await finishOverHttp(v.profileToken, COMEDY[1]!, 0.4);
    await sql`drop table rec_onboarding_picks`.execute(server.m.database.db);
    const res = await api.get('/api/v1/home', v.profileToken);
    assert.equal(res.status, 200);
    assert.equal(res.body.source, 'popular');
    const kinds = (res.body.rows as Row[]).map((r) => r.kind);
    assert.equal(kinds[0], 'continue_watching');
    assert.ok(kinds.includes('popular') && kinds.includes('new'), kinds.join());
    assert.ok((res.body.rows as Row[]).every((r) => r.reason));
  });
});
