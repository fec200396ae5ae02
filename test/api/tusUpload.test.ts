import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../support/client.ts';
import { makeTestClip } from '../support/media.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

// Resumable uploads over the tus protocol, spoken by hand so every step of a resume is visible.
const TUS = '/api/v1/studio/tus';
const MAX_BYTES = 8 * 1024 * 1024;
let server: TestServer;
let api: ReturnType<typeof apiClient>;
let partnerToken: string;
let otherPartnerToken: string;
let clip: Buffer;
let titleId: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const metadata = (meta: Record<string, string>) =>
  Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

async function tus(method: string, path: string, headers: Record<string, string>, body?: Buffer) {
  const res = await fetch(server.url + path, { method, headers: { 'tus-resumable': '1.0.0', ...headers }, ...(body ? { body: Uint8Array.from(body) } : {}) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, error: text.startsWith('{') ? JSON.parse(text).error : undefined };
}

const create = (token: string | undefined, meta: Record<string, string>, length: number) =>
  tus('POST', TUS, { ...(token ? { authorization: `Bearer ${token}` } : {}), 'upload-length': String(length), 'upload-metadata': metadata(meta) });

const patch = (location: string, token: string, offset: number, bytes: Buffer) =>
  tus('PATCH', location, { authorization: `Bearer ${token}`, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, bytes);

const head = (location: string, token: string) => tus('HEAD', location, { authorization: `Bearer ${token}` });

/** Sends `sent` of the bytes, then drops the connection as a failing network would. */
function droppedPatch(location: string, token: string, offset: number, bytes: Buffer, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(server.url + location, {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}`, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes.length) },
    });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(bytes.subarray(0, sent), () => setTimeout(() => req.destroy(), 200));
  });
}

async function finishedJob(jobId: string, token: string, timeoutMs = 300_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await api.get(`/api/v1/studio/jobs/${jobId}`, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
    if (Date.now() > until) throw new Error(`job ${jobId} still ${res.body.status} at ${res.body.stage}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  server = await startTestServer({ ENCODE_PRESET: 'ultrafast', ENCODE_LADDER: 'fixed', UPLOAD_MAX_BYTES: String(MAX_BYTES) }, { worker: true });
  api = apiClient(server.url);
  partnerToken = await server.partnerToken();
  otherPartnerToken = await server.partnerToken();
  clip = await readFile(await makeTestClip(join(server.dataDir, 'clip.mp4'), { seconds: 2, height: 144 }));
  titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: 'Resumed', genres: ['Drama'] }, partnerToken)).body.id;
});
after(() => server.close());

describe('resumable uploads (tus)', () => {
  test('an upload cut off halfway resumes at the offset the server reports and becomes an encode job', async () => {
    const created = await create(partnerToken, { titleId, filename: 'clip.mp4', sha256: sha256(clip), protected: 'false' }, clip.length);
    assert.equal(created.status, 201, created.text);
    const location = created.headers.get('location')!;
    assert.match(location, /^\/api\/v1\/studio\/tus\/[0-9a-f]{32}$/);

    const half = Math.floor(clip.length / 2);
    const first = await patch(location, partnerToken, 0, clip.subarray(0, half));
    assert.equal(first.status, 204, first.text);
    assert.equal(first.headers.get('upload-offset'), String(half));

    await droppedPatch(location, partnerToken, half, clip.subarray(half), Math.floor((clip.length - half) / 2));
    const resumed = await head(location, partnerToken);
    assert.equal(resumed.status, 200, resumed.text);
    const offset = Number(resumed.headers.get('upload-offset'));
    assert.ok(offset >= half && offset < clip.length, `offset ${offset} of ${clip.length}`);
    assert.equal(resumed.headers.get('upload-length'), String(clip.length));

    const stale = await patch(location, partnerToken, 0, clip.subarray(0, 10));
    assert.equal(stale.status, 409, 'a PATCH at the wrong offset changes nothing');

    const rest = await patch(location, partnerToken, offset, clip.subarray(offset));
    assert.equal(rest.status, 204, rest.text);
    const jobId = rest.headers.get('marquee-job-id');
    assert.ok(jobId, 'the finishing PATCH names the encode job');
    const job = await finishedJob(jobId, partnerToken);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    assert.equal(job.titleId, titleId);

    const mine = await api.get('/api/v1/studio/jobs', partnerToken);
    assert.ok(mine.body.items.some((j: { jobId: string; filename: string }) => j.jobId === jobId && j.filename === 'clip.mp4'));
    const theirs = await api.get('/api/v1/studio/jobs', otherPartnerToken);
    assert.ok(!theirs.body.items.some((j: { jobId: string }) => j.jobId === jobId), 'another partner does not see the job');
    assert.equal((await api.get(`/api/v1/studio/jobs/${jobId}`, otherPartnerToken)).status, 403);
    assert.equal((await head(location, partnerToken)).status, 404, 'the partial file is gone once ingested');
  });

  test('a file whose bytes do not match its sha256 is refused and queues nothing', async () => {
    const before = (await api.get('/api/v1/studio/jobs', partnerToken)).body.items.length;
    const created = await create(partnerToken, { titleId, filename: 'clip.mp4', sha256: sha256(Buffer.from('something else')) }, clip.length);
    assert.equal(created.status, 201, created.text);
    const location = created.headers.get('location')!;
    const res = await patch(location, partnerToken, 0, clip);
    assert.equal(res.status, 422, res.text);
    assert.equal(res.error.code, 'checksum_mismatch');
    assert.equal(res.headers.get('marquee-job-id'), null);
    assert.equal((await api.get('/api/v1/studio/jobs', partnerToken)).body.items.length, before);
    assert.equal((await head(location, partnerToken)).status, 404);
  });

  test('only the partner who started an upload may resume it', async () => {
    const created = await create(partnerToken, { titleId, sha256: sha256(clip) }, clip.length);
    const location = created.headers.get('location')!;
    assert.equal((await head(location, otherPartnerToken)).status, 403);
    const res = await patch(location, otherPartnerToken, 0, clip);
    assert.equal(res.status, 403);
    assert.equal(res.error.code, 'not_your_upload');
    assert.equal((await head(location, partnerToken)).headers.get('upload-offset'), '0');
  });

  test('who may upload, to which title, how much', async () => {
    const meta = { titleId, sha256: sha256(clip) };
    const cases: [string, () => Promise<{ status: number; error?: { code: string } }>, number, string?][] = [
      ['no token', () => create(undefined, meta, clip.length), 401, 'missing_token'],
      ['a viewer', async () => create((await api.viewer()).accessToken, meta, clip.length), 403, 'role_required'],
      ["another partner's title", () => create(otherPartnerToken, meta, clip.length), 403, 'not_title_owner'],
      ['an unknown title', () => create(partnerToken, { ...meta, titleId: 'nope' }, clip.length), 400, 'unknown_title'],
      ['no checksum', () => create(partnerToken, { titleId }, clip.length), 400, 'checksum_required'],
      ['more than UPLOAD_MAX_BYTES', () => create(partnerToken, meta, MAX_BYTES + 1), 413],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      assert.equal(res.status, status, name);
      if (code) assert.equal(res.error?.code, code, name);
    }
  });
});
