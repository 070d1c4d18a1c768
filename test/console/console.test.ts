import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { configSource } from '../fixtures/test-sources.js';

/**
 * The admin console (console/, built at install time) served by the real server at /admin, driven by
 * Debian's Chromium: every screen goes through the public GraphQL API only. Each page is scanned with
 * axe and photographed for the README.
 */
let server: TestServer;
let browser: Browser;
let page: Page;
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;

async function axe(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}console-${name}.png`, fullPage: true });
}
async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${server.url}/admin/`);
  await page.getByLabel('Admin key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startTestServer({ sources: [configSource] }), launchBrowser()]);
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('serving /admin', () => {
  it('serves the app with revalidated HTML, year-long hashed assets and index.html for client routes', async () => {
    const index = await fetch(`${server.url}/admin/users/some-id`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const html = await index.text();
    const asset = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${server.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(`${server.url}/admin/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/json');
  });
});

describe('signing in', () => {
  it('refuses a wrong key, keeps a good one for the tab only, and goes back to the key page on a 401', async () => {
    await signIn(page, 'trb_admin_wrong');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid');
    await axe(page);
    await shot(page, 'sign-in');

    await signIn(page, server.adminKey);
    await page.getByRole('heading', { name: 'Pools' }).waitFor();
    expect(await page.evaluate('[sessionStorage.getItem("tributary.adminKey"), localStorage.length, document.cookie]')).toEqual([server.adminKey, 0, '']);

    // The key stops working (as when revoked): the next request's 401 returns to the key page.
    await page.evaluate(() => sessionStorage.setItem('tributary.adminKey', 'trb_admin_revoked'));
    await page.getByRole('link', { name: 'Roles' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('no longer accepts');
    expect(await page.evaluate(() => sessionStorage.getItem('tributary.adminKey'))).toBeNull();
    await signIn(page, server.adminKey);
    await page.getByRole('heading', { name: 'Pools' }).waitFor();
  });
});

describe('pools', () => {
  it('lists pools in sign-in order', async () => {
    for (const name of ['First', 'Second']) {
      ok(
        await server.gql('mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }', {
          input: { name, type: 'EXTERNAL', source: 'test-directory', config: { baseUrl: 'https://d.example', region: 'eu', apiKey: 'k' } },
        }),
      );
    }
    await page.goto(`${server.url}/admin/pools`);
    await expect.poll(() => page.getByTestId('pool-row').allTextContents()).toEqual([expect.stringContaining('First'), expect.stringContaining('Second')]);
    await axe(page);
    await shot(page, 'pools');
  });
});
