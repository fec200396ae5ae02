import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomUUID } from 'node:crypto';
import { apiClient } from '../support/client.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

let server: TestServer;
let api: ReturnType<typeof apiClient>;
let admin: string;

const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
const twoArms = (extra: Record<string, unknown> = {}) => ({
  name: 'Test',
  allocation: 100,
  variants: [
    { key: 'control', weight: 50, config: { colour: 'red' } },
    { key: 'treatment', weight: 50, config: { colour: 'blue' } },
  ],
  ...extra,
});
let n = 0;
const key = (p: string) => `${p}_${Date.now().toString(36)}_${n++}`;

async function running(body: Record<string, unknown>): Promise<string> {
  const created = await api.post('/api/v1/experiments', { key: key('exp'), ...twoArms(), ...body }, admin);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const started = await api.post(`/api/v1/experiments/${created.body.id}/start`, {}, admin);
  assert.equal(started.status, 200, JSON.stringify(started.body));
  return created.body.id;
}

const assignments = async (token: string, headers: Record<string, string> = {}) =>
  (await api.call('GET', '/api/v1/experiments/assignments', { token, headers })).body.items as { experimentId: string; experiment: string; variant: string; source: string; config: Record<string, unknown> }[];

before(async () => {
  server = await startTestServer({ MARQUEE_ADMIN_EMAIL: ADMIN.email, MARQUEE_ADMIN_PASSWORD: ADMIN.password });
  api = apiClient(server.url);
  admin = (await api.post('/api/v1/auth/login', ADMIN)).body.accessToken;
});
after(() => server.close());

describe('experiments: definition and lifecycle', () => {
  test('admin only', async () => {
    const viewer = await api.viewer();
    const res = await api.post('/api/v1/experiments', { key: key('x'), ...twoArms() }, viewer.accessToken);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'role_required');
    assert.equal((await api.get('/api/v1/experiments')).status, 401);
  });

  test('bad definitions are 400 naming the field; a taken key 409', async () => {
    const bad = async (body: Record<string, unknown>) => (await api.post('/api/v1/experiments', { key: key('bad'), ...twoArms(), ...body }, admin)).body.error;
    assert.equal((await bad({ variants: [{ key: 'aa', weight: 50 }, { key: 'bb', weight: 40 }] })).field, 'variants');
    assert.equal((await bad({ allocation: 10.005 })).field, 'allocation');
    assert.equal((await bad({ variants: [{ key: 'aa', weight: 50 }, { key: 'aa', weight: 50 }] })).field, 'variants.1.key');
    assert.equal((await bad({ targeting: [{ type: 'plan', values: ['gold'] }] })).field, 'targeting.0');
    assert.equal((await bad({ targeting: [{ type: 'planet', values: ['x'] }] })).field, 'targeting.0.type');
    assert.equal((await bad({ startDate: '2030-01-02T00:00:00Z', endDate: '2030-01-01T00:00:00Z' })).field, 'endDate');
    const k = key('dup');
    assert.equal((await api.post('/api/v1/experiments', { key: k, ...twoArms() }, admin)).status, 201);
    const dup = await api.post('/api/v1/experiments', { key: k, ...twoArms() }, admin);
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'experiment_key_taken');
  });

  test('draft → running → paused → running → completed; weights of a started experiment are locked', async () => {
    const created = await api.post('/api/v1/experiments', { key: key('life'), ...twoArms() }, admin);
    const id = created.body.id;
    assert.equal(created.body.status, 'draft');
    // A draft may change anything.
    const edited = await api.call('PATCH', `/api/v1/experiments/${id}`, { token: admin, body: { variants: [{ key: 'control', weight: 40 }, { key: 'treatment', weight: 60 }] } });
    assert.equal(edited.status, 200);
    assert.deepEqual(edited.body.variants.map((v: { weight: number }) => v.weight), [40, 60]);
    assert.equal((await api.post(`/api/v1/experiments/${id}/pause`, {}, admin)).body.error.code, 'invalid_transition');
    assert.equal((await api.post(`/api/v1/experiments/${id}/start`, {}, admin)).body.status, 'running');
    const reweigh = await api.call('PATCH', `/api/v1/experiments/${id}`, { token: admin, body: { variants: [{ key: 'control', weight: 50 }, { key: 'treatment', weight: 50 }] } });
    assert.equal(reweigh.status, 409);
    assert.equal(reweigh.body.error.code, 'weights_locked');
    assert.equal((await api.call('PATCH', `/api/v1/experiments/${id}`, { token: admin, body: { allocation: 50 } })).body.error.code, 'allocation_locked');
    const renamed = await api.call('PATCH', `/api/v1/experiments/${id}`, { token: admin, body: { name: 'Renamed', allocation: 100 } });
    assert.equal(renamed.status, 200);
    assert.equal((await api.post(`/api/v1/experiments/${id}/pause`, {}, admin)).body.status, 'paused');
    assert.equal((await api.post(`/api/v1/experiments/${id}/start`, {}, admin)).body.status, 'running');
    const done = await api.post(`/api/v1/experiments/${id}/complete`, {}, admin);
    assert.equal(done.body.status, 'completed');
    assert.ok(done.body.completedAt);
    assert.equal((await api.post(`/api/v1/experiments/${id}/start`, {}, admin)).status, 409);
    assert.equal((await api.get('/api/v1/experiments/no-such-id', admin)).status, 404);
  });

  test('the home page experiments are registered as drafts', async () => {
    const keys = (await api.get('/api/v1/experiments', admin)).body.items.map((e: { key: string }) => e.key);
    assert.ok(keys.includes('home_row_order') && keys.includes('title_artwork'), keys.join());
  });
});

describe('assignments', () => {
  test('stable per profile; targeting by country, plan, device, kids and tenure', async () => {
    const id = await running({ targeting: [{ type: 'country', values: ['GB'] }, { type: 'plan', values: ['premium', 'standard'] }, { type: 'kids', values: ['false'] }] });
    const gb = await api.viewer({ country: 'GB', plan: 'premium' });
    const mine = (await assignments(gb.profileToken)).find((a) => a.experimentId === id);
    assert.ok(mine, 'a GB premium adult is in');
    for (let i = 0; i < 3; i++) assert.equal((await assignments(gb.profileToken)).find((a) => a.experimentId === id)!.variant, mine.variant);
    assert.deepEqual(mine.config, { colour: mine.variant === 'control' ? 'red' : 'blue' });
    const inIt = async (v: { profileToken: string }, headers: Record<string, string> = {}) => (await assignments(v.profileToken, headers)).some((a) => a.experimentId === id);
    assert.equal(await inIt(await api.viewer({ country: 'US', plan: 'premium' })), false);
    assert.equal(await inIt(await api.viewer({ country: 'GB', plan: 'basic' })), false);
    assert.equal(await inIt(await api.viewer({ country: 'GB', plan: 'premium', kids: true })), false);

    const tvOnly = await running({ targeting: [{ type: 'device', values: ['tv'] }] });
    const v = await api.viewer();
    assert.equal((await assignments(v.profileToken, { 'x-device-type': 'tv' })).some((a) => a.experimentId === tvOnly), true);
    assert.equal((await assignments(v.profileToken, { 'user-agent': 'Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0)' })).some((a) => a.experimentId === tvOnly), true);
    assert.equal((await assignments(v.profileToken, { 'x-device-type': 'mobile' })).some((a) => a.experimentId === tvOnly), false);

    const newcomers = await running({ targeting: [{ type: 'tenure', values: ['0-7'] }] });
    const veterans = await running({ targeting: [{ type: 'tenure', values: ['365-'] }] });
    const fresh = await assignments((await api.viewer()).profileToken);
    assert.equal(fresh.some((a) => a.experimentId === newcomers), true);
    assert.equal(fresh.some((a) => a.experimentId === veterans), false);
    for (const e of [id, tvOnly, newcomers, veterans]) await api.post(`/api/v1/experiments/${e}/complete`, {}, admin);
  });

  test('account-unit experiments give every profile of an account the same arm', async () => {
    const id = await running({ unit: 'account' });
    const acct = await api.viewer();
    const second = await api.post('/api/v1/profiles', { name: 'Other' }, acct.accessToken);
    const otherToken = (await api.post(`/api/v1/profiles/${second.body.id}/select`, {}, acct.accessToken)).body.accessToken;
    const a = (await assignments(acct.profileToken)).find((x) => x.experimentId === id)!;
    const b = (await assignments(otherToken)).find((x) => x.experimentId === id)!;
    assert.equal(a.variant, b.variant);
    // An account token (no profile) also sees account-unit experiments.
    assert.equal((await assignments(acct.accessToken)).find((x) => x.experimentId === id)!.variant, a.variant);
    await api.post(`/api/v1/experiments/${id}/complete`, {}, admin);
  });

  test('experiments in one layer never share a member; a full layer refuses to start', async () => {
    const layer = key('layer');
    const a = await running({ layer, allocation: 50 });
    const b = await running({ layer, allocation: 50 });
    const c = await api.post('/api/v1/experiments', { key: key('c'), ...twoArms(), layer, allocation: 0.01 }, admin);
    const refused = await api.post(`/api/v1/experiments/${c.body.id}/start`, {}, admin);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'layer_full');
    let inA = 0;
    let inB = 0;
    for (let i = 0; i < 16; i++) {
      const got = await assignments((await api.viewer()).profileToken);
      const hasA = got.some((x) => x.experimentId === a);
      const hasB = got.some((x) => x.experimentId === b);
      assert.ok(hasA !== hasB, 'each viewer is in exactly one experiment of the full layer');
      if (hasA) inA++;
      else inB++;
    }
    assert.equal(inA + inB, 16);
    // Completing one frees its slice for the waiting experiment.
    await api.post(`/api/v1/experiments/${a}/complete`, {}, admin);
    assert.equal((await api.post(`/api/v1/experiments/${c.body.id}/start`, {}, admin)).status, 200);
    for (const e of [b, c.body.id]) await api.post(`/api/v1/experiments/${e}/complete`, {}, admin);
  });

  test('QA overrides force an arm, even on a draft, and are not logged as exposures', async () => {
    const created = await api.post('/api/v1/experiments', { key: key('qa'), ...twoArms() }, admin);
    const viewer = await api.viewer();
    assert.equal((await api.put(`/api/v1/experiments/${created.body.id}/overrides/${viewer.accountId}`, { variant: 'nope' }, admin)).status, 400);
    assert.equal((await api.put(`/api/v1/experiments/${created.body.id}/overrides/${viewer.accountId}`, { variant: 'treatment' }, admin)).status, 204);
    const got = (await assignments(viewer.profileToken)).find((x) => x.experimentId === created.body.id);
    assert.deepEqual([got?.variant, got?.source], ['treatment', 'override']);
    const exposure = await api.post('/api/v1/experiments/exposures', { experiment: created.body.key }, viewer.profileToken);
    assert.deepEqual(exposure.body, { assigned: true, variant: 'treatment', logged: false });
    assert.deepEqual((await api.get(`/api/v1/experiments/${created.body.id}/overrides`, admin)).body.items, [{ accountId: viewer.accountId, variant: 'treatment' }]);
    assert.equal((await api.call('DELETE', `/api/v1/experiments/${created.body.id}/overrides/${viewer.accountId}`, { token: admin })).status, 204);
    assert.equal((await assignments(viewer.profileToken)).some((x) => x.experimentId === created.body.id), false);
  });

  test('exposure is logged once per unit', async () => {
    const id = await running({});
    const k = (await api.get(`/api/v1/experiments/${id}`, admin)).body.key;
    const viewer = await api.viewer();
    assert.equal((await api.post('/api/v1/experiments/exposures', { experiment: k }, viewer.profileToken)).body.logged, true);
    assert.equal((await api.post('/api/v1/experiments/exposures', { experiment: k }, viewer.profileToken)).body.logged, false);
    assert.equal((await api.post('/api/v1/experiments/exposures', { experiment: 'not_an_experiment' }, viewer.profileToken)).body.assigned, false);
    assert.equal((await api.get(`/api/v1/experiments/${id}/results`, admin)).body.analysis.units, 1);
    await api.post(`/api/v1/experiments/${id}/complete`, {}, admin);
  });

  test('the global holdout changes only while nothing runs', async () => {
    const id = await running({});
    const refused = await api.put('/api/v1/experiments/holdout', { percent: 5 }, admin);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'experiments_running');
    await api.post(`/api/v1/experiments/${id}/complete`, {}, admin);
    assert.equal((await api.put('/api/v1/experiments/holdout', { percent: 25 }, admin)).status, 400);
    assert.deepEqual((await api.put('/api/v1/experiments/holdout', { percent: 20 }, admin)).body, { percent: 20 });
    const held = await running({});
    let inside = 0;
    for (let i = 0; i < 20; i++) if ((await assignments((await api.viewer()).profileToken)).some((x) => x.experimentId === held)) inside++;
    assert.ok(inside < 20 && inside > 5, `${inside} of 20 viewers outside a 20% holdout`);
    await api.post(`/api/v1/experiments/${held}/complete`, {}, admin);
    await api.put('/api/v1/experiments/holdout', { percent: 0 }, admin);
  });
});

describe('results', () => {
  type Db = { experiment_exposures: Record<string, unknown>; playback_sessions: Record<string, unknown> };
  const db = () => server.m.database.db.withTables<Db>();
  const HOUR = 3_600_000;

  test('per-variant metrics, lift, interval and p-value match the hand-computed values', async () => {
    const id = await running({});
    const exposedAt = Date.now() - 48 * HOUR;
    // control units play 1..5 times, treatment 2,4,..,10; each play 30 min; one pre-period play each.
    const plays: [string, number][] = [1, 2, 3, 4, 5].flatMap((k) => [[`control`, k] as [string, number], [`treatment`, 2 * k] as [string, number]]);
    for (const [variant, count] of plays) {
      const unit = randomUUID();
      await db().insertInto('experiment_exposures').values({ experiment_id: id, unit_id: unit, variant, account_id: `acct-${unit}`, profile_id: unit, exposed_at: new Date(exposedAt).toISOString() }).execute();
      const session = (startedAt: number) => ({
        id: randomUUID(),
        account_id: `acct-${unit}`,
        profile_id: unit,
        video_id: 'v',
        device_id: null,
        status: 'stopped',
        position_sec: 0,
        started_at: new Date(startedAt).toISOString(),
        last_seen_at: new Date(startedAt + HOUR / 2).toISOString(),
        expires_at: new Date(startedAt + HOUR).toISOString(),
      });
      await db().insertInto('playback_sessions').values(session(exposedAt - 24 * HOUR)).execute();
      for (let i = 0; i < count; i++) await db().insertInto('playback_sessions').values(session(exposedAt + 2 * HOUR + i * HOUR)).execute();
    }
    const res = await api.get(`/api/v1/experiments/${id}/results`, admin);
    assert.equal(res.status, 200);
    const { analysis } = res.body;
    assert.equal(analysis.units, 10);
    assert.equal(analysis.srm.mismatch, false);
    const starts = analysis.metrics.find((m: { metric: string }) => m.metric === 'play_starts');
    assert.deepEqual(starts.variants.map((v: { mean: number; variance: number }) => [v.mean, v.variance]), [[3, 2.5], [6, 10]]);
    const lift = starts.variants[1].lift;
    // Welch by hand: t = 3/√2.5 = 1.89737, df = 5.88235, p = 0.10753, CI 3 ± 2.45202·1.58114.
    assert.ok(Math.abs(lift.statistic - 1.8973666) < 1e-6);
    assert.ok(Math.abs(lift.pValue - 0.1075312) < 1e-6);
    assert.ok(Math.abs(lift.absoluteCi[0] + 0.8877416) < 1e-6 && Math.abs(lift.absoluteCi[1] - 6.8877416) < 1e-6);
    assert.equal(lift.relative, 1);
    const hours = analysis.metrics.find((m: { metric: string }) => m.metric === 'hours_streamed');
    assert.deepEqual(hours.variants.map((v: { mean: number }) => v.mean), [1.5, 3]);
    const retained = analysis.metrics.find((m: { metric: string }) => m.metric === 'retention_7d');
    assert.deepEqual(retained.variants.map((v: { mean: number }) => v.mean), [1, 1]);
    await api.post(`/api/v1/experiments/${id}/complete`, {}, admin);
  });

  test('a skewed exposure log is flagged as a sample-ratio mismatch', async () => {
    const id = await running({});
    const at = new Date().toISOString();
    const rows = Array.from({ length: 1000 }, (_, i) => ({ experiment_id: id, unit_id: `u-${i}`, variant: i < 560 ? 'control' : 'treatment', account_id: `a-${i}`, profile_id: `u-${i}`, exposed_at: at }));
    for (let i = 0; i < rows.length; i += 200) await db().insertInto('experiment_exposures').values(rows.slice(i, i + 200)).execute();
    const { analysis } = (await api.get(`/api/v1/experiments/${id}/results`, admin)).body;
    // (560-500)²/500 · 2 = 14.4 → p = 0.000148
    assert.ok(Math.abs(analysis.srm.chiSquare - 14.4) < 1e-9);
    assert.equal(analysis.srm.mismatch, true);
    await api.post(`/api/v1/experiments/${id}/complete`, {}, admin);
  });
});

describe('home page experiments', () => {
  test('row order follows the arm and is logged as an exposure only when the arms differ', async () => {
    const partner = await api.signup();
    await server.m.services.identity.setRole(partner.accountId, 'partner');
    const partnerToken = (await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password })).body.accessToken;
    const titles: string[] = [];
    for (const [name, genres] of [['Alpha', ['Drama']], ['Bravo', ['Drama']], ['Charlie', ['Comedy']], ['Delta', ['Comedy']], ['Echo', ['Drama']]] as const) {
      const res = await api.post('/api/v1/studio/titles', { type: 'movie', name, year: 2020, maturityRating: 'all', genres }, partnerToken);
      await server.m.services.catalog.attachVideo({ titleId: res.body.id, videoId: `video-${res.body.id}`, durationSec: 600 });
      titles.push(res.body.id);
    }
    const experiments = (await api.get('/api/v1/experiments', admin)).body.items as { id: string; key: string }[];
    const home = experiments.find((e) => e.key === 'home_row_order')!;
    const patched = await api.call('PATCH', `/api/v1/experiments/${home.id}`, {
      token: admin,
      body: { variants: [{ key: 'control', weight: 50, config: { rowOrder: 'default' } }, { key: 'trending_first', weight: 50, config: { rowOrder: 'trending_first' } }] },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal((await api.post(`/api/v1/experiments/${home.id}/start`, {}, admin)).status, 200);

    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const viewer = await api.viewer();
      const arm = (await assignments(viewer.profileToken)).find((a) => a.experiment === 'home_row_order')!.variant;
      seen.add(arm);
      // Without anything to continue, both arms lead with Popular: no exposure.
      const before = await api.get('/api/v1/home', viewer.profileToken);
      assert.equal(before.body.rows[0].kind, 'popular');
      await server.m.services.viewing.recordProgress(viewer.profileId, { videoId: `video-${titles[0]}`, positionSec: 120 });
      await server.m.services.viewing.flush?.();
      const after = await api.get('/api/v1/home', viewer.profileToken);
      assert.equal(after.body.rows[0].kind, arm === 'trending_first' ? 'popular' : 'continue_watching', arm);
    }
    assert.equal(seen.size, 2, 'both arms drawn');
    const { analysis } = (await api.get(`/api/v1/experiments/${home.id}/results`, admin)).body;
    assert.equal(analysis.units, 10, 'each viewer exposed once, after their home page started to differ');
    await api.post(`/api/v1/experiments/${home.id}/complete`, {}, admin);
  });

  test('the artwork experiment also decides the cards in catalog reads, with one exposure per viewer', async () => {
    const partnerToken = await server.partnerToken();
    const created = await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Artful', maturityRating: 'all', genres: ['Drama'] }, partnerToken);
    await server.m.services.catalog.setArtwork(created.body.id, { poster: { ext: 'svg', body: Buffer.from('<svg/>') }, backdrop: { ext: 'svg', body: Buffer.from('<svg/>') } });
    await server.m.services.catalog.attachVideo({ titleId: created.body.id, videoId: `video-${created.body.id}`, durationSec: 60 });
    const art = ((await api.get('/api/v1/experiments', admin)).body.items as { id: string; key: string; status: string }[]).find((e) => e.key === 'title_artwork')!;
    if (art.status !== 'running') assert.equal((await api.post(`/api/v1/experiments/${art.id}/start`, {}, admin)).status, 200);
    const arms = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const viewer = await api.viewer();
      const arm = (await assignments(viewer.profileToken)).find((a) => a.experiment === 'title_artwork')!.variant;
      arms.add(arm);
      const detail = (await api.get(`/api/v1/titles/${created.body.id}`, viewer.profileToken)).body;
      const expected = arm === 'backdrop' ? detail.artwork.backdrop : `/images/${created.body.id}/poster.svg`;
      assert.equal(detail.artwork.poster, expected, arm);
      const listed = (await api.get('/api/v1/titles?limit=100', viewer.profileToken)).body.items.find((t: { id: string }) => t.id === created.body.id);
      assert.equal(listed.artwork.poster, expected, arm);
    }
    assert.equal(arms.size, 2, 'both arms drawn');
    // Anonymous readers get the control artwork and are not counted.
    assert.equal((await api.get(`/api/v1/titles/${created.body.id}`)).body.artwork.poster, `/images/${created.body.id}/poster.svg`);
    const { analysis } = (await api.get(`/api/v1/experiments/${art.id}/results`, admin)).body;
    assert.ok(analysis.units >= 8, `exposed units: ${analysis.units}`);
  });
});
