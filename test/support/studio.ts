import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { apiClient } from './client.ts';
import { makeTestClip } from './media.ts';
import type { TestServer } from './marquee.ts';

/** A new movie title of the partner's: its id. */
export async function createTitle(server: TestServer, token: string, name: string): Promise<string> {
  const created = await apiClient(server.url).post('/api/v1/studio/titles', { type: 'movie', name, genres: ['Drama'] }, token);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id as string;
}

/** Uploads the video file at `clip` for a title; its encode job is left to the server's worker. Without `protected` or `ladder` the service's defaults apply. */
export async function uploadVideo(server: TestServer, token: string, o: { titleId: string; clip: string; protected?: boolean; ladder?: 'per-title' | 'fixed' }) {
  const form = new FormData();
  form.set('titleId', o.titleId);
  if (o.protected !== undefined) form.set('protected', String(o.protected));
  if (o.ladder !== undefined) form.set('ladder', o.ladder);
  form.set('file', new Blob([await readFile(o.clip)], { type: 'video/mp4' }), basename(o.clip));
  const upload = await apiClient(server.url).call('POST', '/api/v1/studio/uploads', { form, token });
  assert.equal(upload.status, 202, JSON.stringify(upload.body));
  return { jobId: upload.body.jobId as string, videoId: upload.body.videoId as string };
}

/** A partner's movie with a generated clip, uploaded and encoded (the server must run a worker). */
export async function publishClip(server: TestServer, o: { name: string; seconds: number; height: number; protected?: boolean }) {
  const token = await server.partnerToken();
  const titleId = await createTitle(server, token, o.name);
  const clip = await makeTestClip(join(server.dataDir, `${titleId}.mp4`), { seconds: o.seconds, height: o.height });
  const { jobId, videoId } = await uploadVideo(server, token, { titleId, clip, ...(o.protected !== undefined ? { protected: o.protected } : {}) });
  await server.m.services.studio.waitForJob(jobId, () => undefined, 200);
  return { token, titleId, videoId };
}
