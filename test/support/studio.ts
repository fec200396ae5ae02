import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { apiClient } from './client.ts';
import { makeTestClip } from './media.ts';
import type { TestServer } from './marquee.ts';

/** A partner's movie with a generated clip, uploaded and encoded (the server must run a worker). */
export async function publishClip(server: TestServer, o: { name: string; seconds: number; height: number; protected: boolean }) {
  const api = apiClient(server.url);
  const token = await server.partnerToken();
  const titleId = (await api.post('/api/v1/studio/titles', { type: 'movie', name: o.name, genres: ['Documentary'] }, token)).body.id as string;
  const clip = await makeTestClip(join(server.dataDir, `${titleId}.mp4`), { seconds: o.seconds, height: o.height });
  const form = new FormData();
  form.set('titleId', titleId);
  form.set('protected', String(o.protected));
  form.set('file', new Blob([await readFile(clip)], { type: 'video/mp4' }), 'clip.mp4');
  const upload = await api.call('POST', '/api/v1/studio/uploads', { form, token });
  assert.equal(upload.status, 202, JSON.stringify(upload.body));
  await server.m.services.studio.waitForJob(upload.body.jobId, () => undefined, 200);
  return { token, titleId, videoId: upload.body.videoId as string };
}
