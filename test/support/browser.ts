import { existsSync } from 'node:fs';
import { type Browser, type Page, chromium } from 'playwright-core';
import { apiClient } from './client.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, without the background traffic a closed network refuses. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** A new page on the web app with `session` in localStorage, as the app keeps it after signing in. */
export async function signedInPage(browser: Browser, appUrl: string, session: Record<string, string>): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(`${appUrl}/`);
  await page.evaluate((s) => {
    for (const [k, v] of Object.entries(s)) localStorage.setItem(k, v);
  }, session);
  return page;
}

/** A page signed in as a fresh viewer with its profile chosen, ready to open a watch page. */
export async function viewerPage(browser: Browser, appUrl: string, account: { plan?: string } = {}): Promise<Page> {
  const api = apiClient(appUrl);
  const viewer = await api.viewer(account);
  const profile = (await api.get('/api/v1/profiles', viewer.accessToken)).body.items[0];
  return signedInPage(browser, appUrl, { accountToken: viewer.accessToken, refreshToken: viewer.refreshToken, profileToken: viewer.profileToken, profile: JSON.stringify(profile) });
}
