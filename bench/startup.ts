/**
 * bench:startup: time from pressing Play to the first rendered frame, and to the first switch up
 * to the highest rendition the window allows, over 20 plays of different demo titles in headless
 * Chromium. Usage: npm run bench:startup [-- --json] [--url http://localhost:8080] [--plays 20]
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { createMarquee } from '../src/app.ts';
import { loadConfig } from '../src/platform/config.ts';
import { startWorker } from '../src/platform/jobs/index.ts';
import { createLogger } from '../src/platform/logger.ts';
import { seedDemo } from '../src/demo/seedDemo.ts';
import { terminalReporter } from '../src/cli/progress.ts';
import { apiClient } from '../test/support/client.ts';
import { launchChromium } from '../test/support/browser.ts';
import { median, percentile } from './stats.ts';

const { values: args } = parseArgs({ options: { json: { type: 'boolean', default: false }, url: { type: 'string' }, plays: { type: 'string', default: '20' } } });
const plays = Number(args.plays);
const VIEWPORT = { width: 1280, height: 720 };

/** Uses a running Marquee at --url, or starts one on the local data dir (seeding it if needed). */
async function target(): Promise<{ url: string; close(): Promise<void> }> {
  if (args.url) return { url: args.url.replace(/\/$/, ''), close: async () => undefined };
  const m = await createMarquee(loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: 'warn' }), { logger: createLogger('warn') });
  const worker = startWorker({ queue: m.queue, handlers: m.jobs, concurrency: 1, leaseSec: m.config.jobLeaseSec, log: m.log });
  const reporter = terminalReporter();
  await seedDemo(m, reporter);
  reporter.stop();
  const url = await m.app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: async () => { await worker.stop(); await m.close(); } };
}

/** Distinct playable videos: one per movie, or the first episode of a series. */
async function playableVideos(api: ReturnType<typeof apiClient>, token: string): Promise<{ titleId: string; videoId: string }[]> {
  const out: { titleId: string; videoId: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api.get(`/api/v1/titles?limit=100${cursor ? `&cursor=${cursor}` : ''}`, token);
    for (const t of page.body.items) {
      const title = (await api.get(`/api/v1/titles/${t.id}`, token)).body;
      const videoId = title.videoId ?? title.seasons?.[0]?.episodes?.find((e: { videoId: string | null }) => e.videoId)?.videoId;
      if (videoId) out.push({ titleId: t.id, videoId });
    }
    cursor = page.body.nextCursor;
  } while (cursor && out.length < plays);
  return out.slice(0, plays);
}

/** Clicks Play and measures, in the page's own clock, first frame and first top-rendition frame. */
async function timePlay(page: Page): Promise<{ firstFrameMs: number; topRenditionMs: number | null; topHeight: number }> {
  await page.getByTestId('play-button').waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForFunction(() => (window as unknown as { __marqueePlayer?: unknown }).__marqueePlayer !== undefined, undefined, { timeout: 30_000 });
  return page.evaluate(`(${PAGE_TIMER})(${VIEWPORT.height})`) as Promise<{ firstFrameMs: number; topRenditionMs: number | null; topHeight: number }>;
}

// Runs inside the page. Kept as source text: the TypeScript loader would otherwise add helpers
// (for function names) that do not exist in the browser.
const PAGE_TIMER = `async (viewportHeight) => {
  const player = window.__marqueePlayer;
  const video = document.querySelector('[data-testid="video"]');
  const button = document.querySelector('[data-testid="play-button"]');
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const t0 = performance.now();
  button.click();
  while (video.paused || video.currentTime <= 0) await frame();
  const firstFrameMs = performance.now() - t0;
  const topHeight = Math.max(...player.getVariantTracks().map((t) => t.height || 0).filter((h) => h <= viewportHeight));
  let topRenditionMs = null;
  while (performance.now() < t0 + 20000) {
    const active = player.getVariantTracks().find((t) => t.active);
    if (active && active.height === topHeight && !video.paused) {
      topRenditionMs = performance.now() - t0;
      break;
    }
    await frame();
  }
  return { firstFrameMs, topRenditionMs, topHeight };
}`;

const server = await target();
const browser = await launchChromium();
try {
  const api = apiClient(server.url);
  const viewer = await api.viewer({ plan: 'premium' });
  const videos = await playableVideos(api, viewer.profileToken);
  if (videos.length === 0) throw new Error('No playable titles: run `npm start` once to seed the demo content');
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.goto(`${server.url}/signin`);
  const profile = (await api.get('/api/v1/profiles', viewer.accessToken)).body.items[0];
  await page.evaluate(([account, refresh, token, p]) => {
    localStorage.setItem('accountToken', account);
    localStorage.setItem('refreshToken', refresh);
    localStorage.setItem('profileToken', token);
    localStorage.setItem('profile', p);
  }, [viewer.accessToken, viewer.refreshToken, viewer.profileToken, JSON.stringify(profile)] as const);

  const results: { titleId: string; firstFrameMs: number; topRenditionMs: number | null; topHeight: number }[] = [];
  for (const v of videos) {
    await page.goto(`${server.url}/watch/${v.videoId}?title=${v.titleId}`);
    const r = await timePlay(page);
    results.push({ titleId: v.titleId, ...r });
    if (!args.json) process.stderr.write(`play ${results.length}/${videos.length}: first frame ${r.firstFrameMs.toFixed(0)} ms, top (${r.topHeight}p) ${r.topRenditionMs === null ? 'not reached' : `${r.topRenditionMs.toFixed(0)} ms`}\n`);
  }
  const first = results.map((r) => r.firstFrameMs);
  const top = results.flatMap((r) => (r.topRenditionMs === null ? [] : [r.topRenditionMs]));
  const summary = {
    plays: results.length,
    firstFrameP50Ms: Math.round(median(first)),
    firstFrameP95Ms: Math.round(percentile(first, 95)),
    topRenditionP50Ms: top.length ? Math.round(median(top)) : null,
    topRenditionReached: top.length,
  };
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  console.log(`\nbench:startup on ${machine}, viewport ${VIEWPORT.width}x${VIEWPORT.height}`);
  console.table([{ metric: 'first frame p50 (ms)', value: summary.firstFrameP50Ms }, { metric: 'first frame p95 (ms)', value: summary.firstFrameP95Ms }, { metric: 'top rendition p50 (ms)', value: summary.topRenditionP50Ms }, { metric: `plays reaching top rendition`, value: `${top.length}/${results.length}` }]);
  if (args.json) console.log(JSON.stringify(summary));
} finally {
  await browser.close();
  await server.close();
}
