import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createMarquee } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { apiClient } from '../support/client.ts';

const ROOT = join(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'marquee-crash-'));
const env = { DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent' };
let child: ChildProcess | undefined;
after(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

test('every progress update that got 202 survives a SIGKILL of the server', async () => {
  const videos = ['crash-a', 'crash-b', 'crash-c', 'crash-d'];
  const setup = await createMarquee(loadConfig(env), { logger: createLogger('silent') });
  const title = await setup.services.catalog.createTitle({ type: 'series', name: 'Crash Course' }, null);
  for (const [i, videoId] of videos.entries()) {
    const e = await setup.services.catalog.addEpisode(title.id, { season: 1, number: i + 1, name: `E${i + 1}` });
    await setup.services.catalog.attachVideo({ titleId: title.id, episodeId: e.id, videoId, durationSec: 100_000 });
  }
  await setup.close();

  const port = await freePort();
  child = spawn(process.execPath, [join(ROOT, 'bin/marquee.js'), 'serve'], { env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', MARQUEE_ROLES: 'api' }, stdio: 'ignore' });
  const api = apiClient(`http://127.0.0.1:${port}`);
  for (let i = 0; ; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok) break;
    if (i > 300) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const viewer = await api.viewer();
  const acked = new Map<string, number>();
  const sent = new Map<string, number>();
  // Two senders per video share one clock: each update is one second further and one
  // millisecond later than the last. The server keeps the newest by `at`, so whatever order the
  // requests land in, what is stored must be at least the furthest acknowledged position.
  const since = Date.now() - 10 * 60_000;
  let stop = false;
  const sender = async (videoId: string) => {
    while (!stop) {
      const pos = (sent.get(videoId) ?? 0) + 1;
      sent.set(videoId, pos);
      const at = new Date(since + pos).toISOString();
      const res = await api.post('/api/v1/progress', { videoId, positionSec: pos, at }, viewer.profileToken).catch(() => undefined);
      if (!res) return;
      if (res.status === 202) acked.set(videoId, Math.max(acked.get(videoId) ?? 0, pos));
    }
  };
  const senders = [...videos, ...videos].map(sender);
  // Killed mid-stream once plenty were acknowledged (counted, not timed: a busy machine is slow).
  const acknowledged = () => [...acked.values()].reduce((a, b) => a + b, 0);
  for (let waited = 0; acknowledged() <= 50; waited += 10) {
    if (waited > 120_000) throw new Error(`only ${acknowledged()} updates acknowledged in 2 minutes`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const exited = new Promise((r) => child!.once('exit', r));
  child.kill('SIGKILL');
  stop = true;
  await Promise.all(senders);
  await exited;

  const after = await createMarquee(loadConfig(env), { logger: createLogger('silent') });
  try {
    for (const [videoId, position] of acked) {
      const stored = await after.services.viewing.resumePositionSec(viewer.profileId, videoId);
      assert.ok(stored >= position, `${videoId}: acknowledged ${position}, stored ${stored}`);
    }
  } finally {
    await after.close();
  }
});
