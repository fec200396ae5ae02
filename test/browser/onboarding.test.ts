import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launchChromium } from '../support/browser.ts';
import { startTestServer } from '../support/marquee.ts';

test('a new profile picks three titles it likes and gets a home page built from them', async () => {
  const server = await startTestServer();
  const catalog = server.m.services.catalog;
  for (let i = 0; i < 12; i++) {
    const t = await catalog.createTitle({ type: 'movie', name: `Pick ${i}`, genres: [i % 2 ? 'Horror' : 'Comedy'] }, null);
    await catalog.attachVideo({ titleId: t.id, videoId: `v-${i}`, durationSec: 600 });
  }
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/signup`);
    await page.getByTestId('email').fill(`onb-${Date.now()}@example.com`);
    await page.getByTestId('password').fill('onboarding password 1');
    await page.getByTestId('submit').click();
    await page.getByTestId('profile-name').waitFor();
    await page.getByTestId('profile-name').fill('New');
    await page.getByTestId('profile-create').click();
    await page.getByTestId('profile-card').filter({ hasText: 'New' }).click();
    await page.getByTestId('onboarding').waitFor({ timeout: 15000 });
    const choices = page.getByTestId('onboarding-choice');
    for (let i = 0; i < 3; i++) await choices.nth(i).click();
    await page.getByTestId('onboarding-save').click();
    await page.getByTestId('title-card').first().waitFor({ timeout: 15000 });
    assert.equal(await page.getByTestId('onboarding').count(), 0);
  } finally {
    await browser.close();
    await server.close();
  }
});
