import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, viewerPage } from './browser.ts';
import { type TestServer, startTestServer } from './marquee.ts';
import { publishClip } from './studio.ts';

/** What a watch-page journey runs against; filled in by the `before` hook watchFixture registers. */
export interface WatchFixture {
  server: TestServer;
  browser: Browser;
  titleId: string;
  videoId: string;
  /** The publishing partner's token. */
  token: string;
}

/**
 * The setup every watch-page journey shares: a server with a worker, one clip published as a
 * title (`prepare` may then add to it: a dub, subtitles), and headless Chromium, all closed after
 * the file's tests.
 */
export function watchFixture(o: { env: Record<string, string>; clip: Parameters<typeof publishClip>[1]; prepare?: (f: WatchFixture) => Promise<void> }): WatchFixture {
  const f = {} as WatchFixture;
  before(async () => {
    f.server = await startTestServer(o.env, { worker: true });
    const published = await publishClip(f.server, o.clip);
    f.titleId = published.titleId;
    f.videoId = published.videoId;
    f.token = published.token;
    await o.prepare?.(f);
    f.browser = await launchChromium();
  });
  after(async () => {
    await f.browser?.close();
    await f.server?.close();
  });
  return f;
}

/** A fresh viewer's page opened on the title's watch page; `watch` runs first (to listen to requests). */
export async function openWatchPage(f: WatchFixture, o: { plan?: string; watch?: (page: Page) => void } = {}): Promise<Page> {
  const page = await viewerPage(f.browser, f.server.url, o.plan ? { plan: o.plan } : {});
  o.watch?.(page);
  await page.goto(`${f.server.url}/watch/${f.videoId}?title=${f.titleId}`);
  return page;
}
