import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { apiClient } from '../support/client.ts';
import { launchChromium } from '../support/browser.ts';
import { type TestServer, startTestServer } from '../support/marquee.ts';

// Needs the built web app (npm run build:web), like the journey test.
let server: TestServer;
let browser: Browser;

before(async () => {
  server = await startTestServer();
  const api = apiClient(server.url);
  const token = await server.partnerToken();
  for (const [name, genres, cast, type] of [
    ['Forrest Gump', ['Drama'], ['Tom Hanks'], 'movie'],
    ['Toy Story', ['Animation'], ['Tom Hanks'], 'movie'],
    ['Planet Oceans', ['Documentary'], ['David Attenborough'], 'series'],
  ] as const) {
    const id = (await api.post('/api/v1/studio/titles', { type, name, genres, cast, maturityRating: 'all' }, token)).body.id;
    await server.m.services.catalog.attachVideo({ titleId: id, videoId: `v-${id}`, durationSec: 60 });
  }
  await server.m.services.search.idle();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('search as you type: suggestions, results with filter chips, and "did you mean"', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(`${server.url}/signup`);
  await page.getByTestId('email').fill(`search-${Date.now()}@example.com`);
  await page.getByTestId('password').fill('search password 1');
  await page.getByTestId('submit').click();
  await page.getByTestId('profile-name').waitFor();
  await page.getByTestId('profile-name').fill('Sam');
  await page.getByTestId('profile-create').click();
  await page.getByTestId('profile-card').filter({ hasText: 'Sam' }).click();

  const box = page.getByTestId('search-input');
  await box.waitFor();
  await box.pressSequentially('tom ha', { delay: 40 });
  await page.getByTestId('search-suggestions').waitFor();
  assert.ok((await page.getByTestId('suggestion').allTextContents()).some((t) => t.includes('Tom Hanks')));

  await page.waitForURL(/\/search\?q=tom(\+|%20)ha/);
  await page.getByTestId('title-card').first().waitFor();
  assert.deepEqual((await page.getByTestId('title-card').evaluateAll((els) => els.map((e) => e.getAttribute('title')))).sort(), ['Forrest Gump', 'Toy Story']);
  await page.getByTestId('chip-genre-animation').click();
  await page.waitForURL(/genre=animation/);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="title-card"]').length === 1);
  assert.equal(await page.getByTestId('title-card').getAttribute('title'), 'Toy Story');

  await box.fill('planet ocaens');
  await page.waitForURL(/q=planet(\+|%20)ocaens/);
  await page.getByTestId('title-card').first().waitFor();
  assert.equal(await page.getByTestId('title-card').first().getAttribute('title'), 'Planet Oceans');

  await box.fill('gupm');
  await page.getByTestId('did-you-mean').waitFor();
  assert.equal(await page.getByTestId('did-you-mean').textContent(), 'gump');
  await page.getByTestId('did-you-mean').click();
  await page.getByTestId('title-card').first().waitFor();
  assert.equal(await page.getByTestId('title-card').first().getAttribute('title'), 'Forrest Gump');
  assert.equal(await box.inputValue(), 'gump');
  await page.close();
});
