import { mkdirSync, writeFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { configSource } from '../fixtures/test-sources.js';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { addPeerUsers, createDirectoryPool } from '../jobs/support.js';
import { fakeServiceAccount, FIREBASE_SAMPLE } from '../../plugins/firebase/test/emulator.js';

/**
 * The admin console (console/, built at install time) served by the real server at /admin, driven by
 * Debian's Chromium: every screen goes through the public GraphQL API only. Each page is scanned with
 * axe and photographed for the README.
 */
let server: TestServer;
let browser: Browser;
let page: Page;
let peer: DirectoryPeer;
/** Browser tests on a loaded 2-core machine: generous, and still far from CI's limit. */
const SLOW = 120_000;
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;

async function axe(page: Page): Promise<void> {
  // A hover is not the page's state: the pointer leaves before the scan.
  await page.mouse.move(0, 0);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id} (${v.nodes.length}×): ${v.nodes[0]!.target.join(' ')} ${v.nodes[0]!.failureSummary ?? ''}`)).toEqual([]);
}
/** The README's pictures, refreshed with UPDATE_SCREENSHOTS=1 (a plain test run leaves the checked-in files alone). */
async function shot(page: Page, name: string): Promise<void> {
  const image = await page.screenshot({ fullPage: true });
  expect(image.length).toBeGreaterThan(1000);
  if (process.env.UPDATE_SCREENSHOTS) writeFileSync(`${SHOTS}console-${name}.png`, image);
}
async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${server.url}/admin/`);
  await page.getByLabel('Admin key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

beforeAll(async () => {
  if (process.env.UPDATE_SCREENSHOTS) mkdirSync(SHOTS, { recursive: true });
  [server, browser, peer] = await Promise.all([startTestServer({ sources: [configSource, directorySource] }), launchBrowser(), startDirectoryPeer()]);
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  // Well under the test's own timeout, so a missing element fails with its locator, not a bare timeout.
  page.setDefaultTimeout(10_000);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await peer?.close();
});

describe('serving /admin', () => {
  it(
    'serves the app with revalidated HTML, year-long hashed assets and index.html for client routes',
    async () => {
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
    },
    SLOW,
  );
});

describe('signing in', () => {
  it(
    'refuses a wrong key, keeps a good one for the tab only, and goes back to the key page on a 401',
    async () => {
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
    },
    SLOW,
  );
});

const gqlNames = async () => (ok(await server.gql('{ userPools { name } }')).userPools as { name: string }[]).map((p) => p.name);
/** Picks `option` in the Mantine combobox labelled `label`. */
async function choose(label: string, option: string, search?: string): Promise<void> {
  const box = page.getByRole('combobox', { name: label, exact: true });
  await box.click();
  if (search) await box.fill(search);
  await page.getByRole('option', { name: option, exact: true }).click();
}
/** Replaces the text of the CodeMirror editor named `name` (insertText: no auto-closed brackets). */
async function setEditor(name: string, text: string): Promise<void> {
  const editor = page.getByRole('textbox', { name, exact: true });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

describe('tenants and roles', () => {
  it(
    'creates a tenant and a role, and shows a refused duplicate next to its field',
    async () => {
      await page.getByRole('link', { name: 'Tenants' }).click();
      await page.getByRole('heading', { name: 'Tenants' }).waitFor();
      await page.getByText('No tenants yet.').waitFor();
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Acme');
      await page.getByLabel('Id (optional)').fill('acme');
      await page.getByRole('button', { name: 'Create tenant' }).click();
      await page.getByRole('cell', { name: 'Acme', exact: true }).waitFor();
      expect(ok(await server.gql('{ tenant(id: "acme") { name } }')).tenant).toEqual({ name: 'Acme' });
      await axe(page);
      await shot(page, 'tenants');

      await page.getByRole('link', { name: 'Roles' }).click();
      await page.getByLabel('Key').fill('admin');
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Admin');
      await page.getByRole('button', { name: 'Create role' }).click();
      await page.getByRole('cell', { name: 'admin', exact: true }).waitFor();
      // The same key again: CONFLICT with extensions.field input.key, shown on the Key field.
      await page.getByLabel('Key').fill('admin');
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Admin again');
      await page.getByRole('button', { name: 'Create role' }).click();
      await expect.poll(() => page.getByLabel('Key').getAttribute('aria-invalid')).toBe('true');
      await page.getByText('role "admin" already exists').waitFor();
      expect((ok(await server.gql('{ roles { key name } }')).roles as unknown[]).length).toBe(1);
      await axe(page);
      await shot(page, 'roles');
    },
    SLOW,
  );
});

describe('pools', () => {
  it(
    'lists pools in sign-in order',
    async () => {
      for (const name of ['First', 'Second']) {
        ok(
          await server.gql('mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }', {
            input: { name, type: 'EXTERNAL', source: 'test-directory', config: { baseUrl: 'https://d.example', region: 'eu', apiKey: 'k' } },
          }),
        );
      }
      await page.goto(`${server.url}/admin/pools`);
      await expect.poll(() => page.getByTestId('pool-row').allTextContents()).toEqual([expect.stringContaining('First'), expect.stringContaining('Second')]);
    },
    SLOW,
  );

  it(
    'creates a pool from the form rendered from its config schema, with the server’s field errors in place and the secret write-only',
    async () => {
      await page.getByRole('link', { name: 'New pool' }).click();
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Directory');
      await choose('Source', 'Test directory (test-directory)');
      await page.getByLabel('baseUrl').fill('not a url');
      await choose('region', 'us');
      await page.getByLabel('apiKey').fill('s3cret-api-key');
      await axe(page);
      await shot(page, 'pool-form');
      await page.getByRole('button', { name: 'Create pool' }).click();
      await page.getByText('must be a URL').first().waitFor();
      await page.getByLabel('baseUrl').fill('https://dir.example');
      await page.getByRole('button', { name: 'Create pool' }).click();
      await page.getByRole('heading', { name: 'Directory', exact: true }).waitFor();

      const pools = ok(await server.gql('{ userPools { id name config } }')).userPools as { id: string; name: string; config: Record<string, unknown> }[];
      const pool = pools.find((p) => p.name === 'Directory')!;
      expect(pool.config).toEqual({ baseUrl: 'https://dir.example', region: 'us', apiKey: '********' });

      await page.getByRole('button', { name: 'Test connection' }).click();
      await page.getByText('connected to https://dir.example in us').waitFor();
      await axe(page);
      await shot(page, 'pool');

      // Editing: the secret box starts empty and, left empty, keeps the stored secret.
      await page.getByRole('link', { name: 'Edit' }).click();
      await expect.poll(() => page.getByLabel('baseUrl').inputValue()).toBe('https://dir.example');
      expect(await page.getByLabel('apiKey').inputValue()).toBe('');
      expect(await page.content()).not.toContain('s3cret-api-key');
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Directory');
      await page.getByLabel('Sync interval (minutes, 0: none)').fill('15');
      await page.getByRole('button', { name: 'Save pool' }).click();
      await page.getByRole('heading', { name: 'Directory', exact: true }).waitFor();
      // The secret left out of the edit is still there, sealed (never in the plain config column).
      const [row] = await server.sql<{ config: Record<string, unknown>; sealed: string | null }>(
        'select config, sealed_secrets as sealed from user_pools where id = ?',
        [pool.id],
      );
      expect(row!.config).toEqual({ baseUrl: 'https://dir.example', region: 'us' });
      expect(row!.sealed).toBeTruthy();
      expect(row!.sealed).not.toContain('s3cret-api-key');
      expect(ok(await server.gql(`{ userPool(id: "${pool.id}") { config settings { sync { intervalMinutes } } } }`)).userPool).toEqual({
        config: { baseUrl: 'https://dir.example', region: 'us', apiKey: '********' },
        settings: { sync: { intervalMinutes: 15 } },
      });
    },
    SLOW,
  );

  it(
    'reorders pools with the keyboard and by dragging',
    async () => {
      await page.getByRole('link', { name: 'Pools' }).click();
      await expect.poll(() => page.getByTestId('pool-row').count()).toBe(3);
      const handle = (name: string) => page.getByRole('button', { name: new RegExp(`^Move ${name} `) });
      // The list settles first (its network refresh re-renders the rows); the keys then come at a person's pace,
      // each after the rows have slid into place (dnd-kit's 250 ms transition).
      await page.waitForLoadState('networkidle');
      await handle('Directory').focus();
      for (const key of ['Space', 'ArrowUp', 'ArrowUp', 'Space']) {
        await page.keyboard.press(key);
        await page.waitForTimeout(400);
      }
      await expect.poll(gqlNames).toEqual(['Directory', 'First', 'Second']);

      const from = (await handle('Second').boundingBox())!;
      const to = (await handle('Directory').boundingBox())!;
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(to.x + to.width / 2, to.y - 10, { steps: 12 });
      await page.mouse.up();
      await expect.poll(gqlNames).toEqual(['Second', 'Directory', 'First']);
      await axe(page);
      await shot(page, 'pools');
    },
    SLOW,
  );

  it(
    'creates a NATIVE pool from the form rendered from the native entry, its payload schema as JSON',
    async () => {
      await page.getByRole('link', { name: 'Pools' }).click();
      await page.getByRole('link', { name: 'New pool' }).click();
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Members');
      await choose('Type', 'Native (users stored here)');
      await page.getByText('Tributary (native users) configuration').waitFor();
      await page.getByLabel('Public registration (POST /auth/register)').check();
      await page.getByLabel('Minimum length').fill('12');
      await setEditor('Payload schema (JSON)', '{ "type": "object"');
      await page.getByRole('button', { name: 'Create pool' }).click();
      // Not JSON: said in place, and nothing is sent.
      await page.getByText(/^not valid JSON/).waitFor();
      expect(await gqlNames()).not.toContain('Members');
      await setEditor('Payload schema (JSON)', '{ "type": "object", "properties": { "profile": { "type": "object" } } }');
      await axe(page);
      await page.getByRole('button', { name: 'Create pool' }).click();
      await page.getByRole('heading', { name: 'Members', exact: true }).waitFor();

      const pools = ok(await server.gql('{ userPools { name type source config } }')).userPools as { name: string }[];
      expect(pools.find((p) => p.name === 'Members')).toEqual({
        name: 'Members',
        type: 'NATIVE',
        source: 'native',
        config: {
          publicRegistration: true,
          passwordPolicy: { minLength: 12 },
          payloadSchema: { type: 'object', properties: { profile: { type: 'object' } } },
          activationRequired: true,
          otpSignIn: false,
        },
      });

      // Editing: the stored payload schema is back as JSON text, and the server's error on it is shown in place.
      await page.getByRole('link', { name: 'Edit' }).click();
      await expect.poll(() => page.getByRole('textbox', { name: 'Payload schema (JSON)', exact: true }).textContent()).toContain('"profile"');
      await setEditor('Payload schema (JSON)', '{ "type": 12 }');
      await page.getByRole('button', { name: 'Save pool' }).click();
      await page.getByText(/^is not a valid JSON Schema/).waitFor();
      await setEditor('Payload schema (JSON)', '{ "type": "object" }');
      await page.getByLabel('Minimum length').fill('16');
      await page.getByRole('button', { name: 'Save pool' }).click();
      await page.getByRole('heading', { name: 'Members', exact: true }).waitFor();
      const saved = ok(await server.gql('{ userPools { name config } }')).userPools.find((p: { name: string }) => p.name === 'Members');
      expect(saved.config).toMatchObject({ publicRegistration: true, passwordPolicy: { minLength: 16 }, payloadSchema: { type: 'object' } });
      expect(saved.config.payloadSchema).toEqual({ type: 'object' });
    },
    SLOW,
  );
});

describe('secret objects', () => {
  it(
    'edits a Firebase pool whose password hash config is set: the secret blocks start empty, are not sent back, and stay set',
    async () => {
      const { createUserPool } = ok(
        await server.gql('mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }', {
          input: {
            name: 'Firebase hashes',
            type: 'EXTERNAL',
            source: 'firebase',
            config: {
              apiKey: 'web-key',
              serviceAccount: fakeServiceAccount(),
              authEmulatorHost: '127.0.0.1:9',
              passwordHashConfig: FIREBASE_SAMPLE.hashConfig,
            },
          },
        }),
      );
      await page.goto(`${server.url}/admin/pools/${createUserPool.id}/edit`);
      await expect.poll(() => page.getByLabel('apiKey').inputValue(), { timeout: 10_000 }).toBe('web-key');
      // Edited as JSON text, empty: no nested inputs filled with the schema's defaults.
      expect(await page.getByLabel('passwordHashConfig (JSON)').textContent()).toBe('');
      expect(await page.content()).not.toContain(FIREBASE_SAMPLE.hashConfig.base64SignerKey);
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Firebase hashes, renamed');
      await page.getByRole('button', { name: 'Save pool' }).click();
      await page.getByRole('heading', { name: 'Firebase hashes, renamed', exact: true }).waitFor();
      expect(ok(await server.gql(`{ userPool(id: "${createUserPool.id}") { config } }`)).userPool.config).toMatchObject({
        apiKey: 'web-key',
        serviceAccount: '********',
        passwordHashConfig: '********',
      });
    },
    SLOW,
  );
});

describe('pool jobs', () => {
  it(
    'runs a dry-run import and then an import, following their progress live, with the dry run’s report',
    async () => {
      addPeerUsers(peer, 120, 'legacy');
      const poolId = await createDirectoryPool(server, peer, 'Legacy');
      await page.goto(`${server.url}/admin/pools/${poolId}`);
      await page.getByText('No imports or syncs yet.').waitFor();
      await page.getByRole('switch', { name: 'Dry run (report only)' }).check();
      await page.getByRole('button', { name: 'Import users' }).click();
      // No reload: the page polls while a job is queued or running, so the finished job shows up by itself.
      const jobs = page.getByTestId('pool-job');
      await expect.poll(() => jobs.first().textContent(), { timeout: 60_000 }).toMatch(/import \(dry run\).*SUCCEEDED/);
      expect(await jobs.first().getByRole('table', { name: 'Job progress' }).textContent()).toMatch(/^SeenCreated.*120120/);
      await jobs.first().getByText('What the job would do').click();
      expect(await jobs.first().locator('pre').textContent()).toContain('legacy');
      expect((await server.sql('select 1 from users where pool_id = ?', [poolId])).length).toBe(0);

      await page.getByRole('switch', { name: 'Dry run (report only)' }).uncheck();
      await page.getByRole('button', { name: 'Import users' }).click();
      await expect.poll(() => jobs.first().textContent(), { timeout: 60_000 }).toMatch(/^import[^(]*SUCCEEDED/);
      expect((await server.sql('select 1 from users where pool_id = ?', [poolId])).length).toBe(120);
      await expect.poll(() => page.getByText(/120 users · 0 migrated · 120 not migrated/).count()).toBe(1);
      await page.getByRole('img', { name: /^Over the last 30 days: 0 sign-ins through this pool, 0 users migrated/ }).waitFor();
      expect(await page.getByRole('table', { name: 'Activity per day', includeHidden: true }).locator('tbody tr').count()).toBe(30);
      await axe(page);
      await shot(page, 'pool-jobs');
    },
    SLOW,
  );
});

describe('users', () => {
  let syncedId: string;
  beforeAll(async () => {
    for (let i = 0; i < 30; i++) {
      ok(await server.gql(`mutation { createUser(input: { email: "pager${String(i).padStart(2, '0')}@page.test", profile: { n: ${i} } }) { id } }`));
    }
    const synced = ok(
      await server.gql('mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }', {
        input: {
          name: 'Synced',
          type: 'EXTERNAL',
          source: 'test-directory',
          config: { baseUrl: 'https://s.example', region: 'eu', apiKey: 'k' },
          settings: { syncUserAttributes: true },
        },
      }),
    ).createUserPool.id as string;
    const [row] = await server.sql<{ id: string }>(
      "insert into users (id, email, status, pool_id, external_id, profile, metadata, created_at, updated_at) values (gen_random_uuid(), 'synced@pool.test', 'ACTIVE', ?, 'ext-1', '{\"name\":\"From source\"}', '{}', now(), now()) returning id",
      [synced],
    );
    syncedId = row!.id;
  });

  it(
    'searches by email prefix, pages with cursors, and edits a user (JSON profile, tenant, role)',
    async () => {
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByLabel('Email starts with').fill('pager');
      await page.getByText('30 users · page 1').waitFor();
      expect(await page.getByRole('table', { name: 'Users' }).getByRole('row').count()).toBe(26);
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText('30 users · page 2').waitFor();
      await expect.poll(() => page.getByRole('table', { name: 'Users' }).getByRole('row').count()).toBe(6);
      await page.getByRole('button', { name: 'Previous' }).click();
      await page.getByText('30 users · page 1').waitFor();
      await axe(page);
      await shot(page, 'users');

      await page.getByLabel('Email starts with').fill('PAGER07');
      await page.getByText('1 users · page 1').waitFor();
      await page.getByRole('link', { name: 'pager07@page.test' }).click();
      await page.getByRole('heading', { name: 'pager07@page.test' }).waitFor();
      await setEditor('Profile', '{ "name": ');
      await page.getByRole('button', { name: 'Save user' }).click();
      await page.getByText(/not valid JSON/).waitFor();
      await setEditor('Profile', '{ "name": "Seven" }');
      await choose('Tenant', 'Acme', 'Ac');
      await page.getByRole('combobox', { name: 'Roles', exact: true }).click();
      await page.getByRole('option', { name: 'Admin', exact: true }).click();
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Save user' }).click();
      await page.getByText('Saved.').waitFor();
      const { user } = ok(await server.gql('{ userByEmail(email: "pager07@page.test") { profile tenant { id } roles { key } } }'));
      expect(user ?? ok(await server.gql('{ userByEmail(email: "pager07@page.test") { profile tenant { id } roles { key } } }')).userByEmail).toEqual({
        profile: { name: 'Seven' },
        tenant: { id: 'acme' },
        roles: [{ key: 'admin' }],
      });
      await axe(page);
      await shot(page, 'user');
    },
    SLOW,
  );

  it(
    'shows a synced user read-only, saying why, while status stays editable',
    async () => {
      await page.goto(`${server.url}/admin/users/${syncedId}`);
      await page.getByTestId('read-only-notice').waitFor();
      expect(await page.getByTestId('read-only-notice').textContent()).toContain('Synced');
      expect(await page.getByRole('textbox', { name: 'Profile', exact: true }).getAttribute('contenteditable')).toBe('false');
      await choose('Status', 'DISABLED');
      await page.getByRole('button', { name: 'Save user' }).click();
      await page.getByText('Saved.').waitFor();
      expect(ok(await server.gql(`{ user(id: "${syncedId}") { status profile } }`)).user).toEqual({ status: 'DISABLED', profile: { name: 'From source' } });
      await axe(page);
      await shot(page, 'user-read-only');
    },
    SLOW,
  );

  it(
    'fits a phone screen: the navigation folds behind a menu button and nothing scrolls sideways',
    async () => {
      const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
      await phone.goto(`${server.url}/admin/`);
      await phone.getByLabel('Admin key').fill(server.adminKey);
      await phone.getByRole('button', { name: 'Sign in' }).click();
      await phone.getByRole('button', { name: 'Toggle navigation' }).click();
      await phone.getByRole('link', { name: 'Users' }).click();
      await phone.getByText('users · page 1').waitFor();
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await axe(phone);
      await shot(phone, 'users-phone');
      await phone.context().close();
    },
    SLOW,
  );
});

describe('prehooks', () => {
  it(
    'shows a syntax error inline by line, then saves the fix and test-runs it with result, log and duration',
    async () => {
      await page.getByRole('link', { name: 'Prehooks' }).click();
      await page.getByText('No prehooks').waitFor();
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Tag new users');
      await page.getByRole('button', { name: 'Create (disabled) and edit' }).click();
      await page.getByText('What beforeUserCreate receives and may answer').waitFor();
      await setEditor('Code', "export default async function (event) {\n  console.log('hello', event.email);\n  return { metadata: { tagged: true } ;\n}\n");
      await page.getByRole('button', { name: 'Save prehook' }).click();
      await expect.poll(() => page.getByTestId('code-error').textContent()).toMatch(/line 3/);
      await shot(page, 'prehook-error');

      await setEditor('Code', "export default async function (event) {\n  console.log('hello', event.email);\n  return { metadata: { tagged: true } };\n}\n");
      await page.getByRole('button', { name: 'Save prehook' }).click();
      await page.getByText('Saved.').waitFor();
      expect(await page.getByTestId('code-error').count()).toBe(0);
      await page.getByRole('button', { name: 'Run test' }).click();
      await page.getByTestId('test-result').waitFor();
      const result = (await page.getByTestId('test-result').textContent())!;
      expect(result).toMatch(/ok/);
      expect(result).toMatch(/\d+(\.\d)? ms/);
      expect(result).toContain('"tagged": true');
      expect(await page.getByTestId('test-log').textContent()).toContain('hello ada@example.com');
      await expect.poll(() => page.getByRole('table', { name: 'Recent runs' }).textContent()).toContain('(test)');
      await axe(page);
      await shot(page, 'prehook');
      await page.getByRole('link', { name: 'Prehooks' }).click();
      await page.getByRole('link', { name: 'Tag new users' }).waitFor();
      await axe(page);
      await shot(page, 'prehooks');
    },
    SLOW,
  );
});

describe('app clients, admin keys and the audit log', () => {
  it(
    'registers an app client and shows its secret once',
    async () => {
      await page.getByRole('link', { name: 'App clients' }).click();
      await page.getByText('No app clients yet.').waitFor();
      await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Shop');
      await page.getByLabel('Redirect URIs (one a line, compared exactly)').fill('https://shop.example/callback');
      await page.getByRole('button', { name: 'Create app client' }).click();
      const secret = (await page.getByTestId('secret-once').textContent())!;
      expect(secret.length).toBeGreaterThan(20);
      await page.getByRole('cell', { name: /Shop/ }).waitFor();
      await axe(page);
      await shot(page, 'app-clients');
      await page.getByRole('button', { name: 'Done' }).click();
      expect(await page.getByTestId('secret-once').count()).toBe(0);
      expect(await page.content()).not.toContain(secret);
    },
    SLOW,
  );

  it(
    'creates an admin key shown once that signs in to /graphql, lists the keys and filters the audit log',
    async () => {
      await page.getByRole('link', { name: 'Admin keys' }).click();
      await page.getByRole('table', { name: 'Admin keys' }).waitFor();
      // The server's refusal is shown next to the field it names (input.name).
      const name = page.getByRole('textbox', { name: 'Name', exact: true });
      await name.fill('   ');
      await page.getByRole('button', { name: 'Create key' }).click();
      await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByText('must not be empty').count()).toBe(1);
      await name.fill('Console robot');
      await page.getByRole('button', { name: 'Create key' }).click();
      const key = (await page.getByTestId('secret-once').textContent())!;
      expect(key).toMatch(/^trb_admin_/);
      await page.getByText('Admin key Console robot: shown once').waitFor();
      await page.getByText('will not be shown again').waitFor();
      await page.getByRole('cell', { name: 'Console robot' }).waitFor();
      expect(await name.inputValue()).toBe('');
      await axe(page);
      await shot(page, 'admin-keys');
      // The key the browser was shown is a working Bearer for the API, and the list never carries it.
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ adminKeys { name lastUsedAt } }' }),
      });
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as { data: { adminKeys: { name: string; lastUsedAt: string | null }[] } };
      expect(data.adminKeys.find((k) => k.name === 'Console robot')?.lastUsedAt).toEqual(expect.any(String));
      expect(JSON.stringify(data)).not.toContain(key);
      await page.getByRole('button', { name: 'Done' }).click();
      expect(await page.getByTestId('secret-once').count()).toBe(0);
      await page.reload();
      await page.getByRole('cell', { name: 'Console robot' }).waitFor();
      expect(await page.content()).not.toContain(key);

      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByLabel('Action').fill('createRole');
      await expect.poll(() => page.getByRole('table', { name: 'Audit events' }).getByRole('row').count()).toBe(3);
      expect(await page.getByRole('table', { name: 'Audit events' }).textContent()).toContain('CONFLICT');
      await axe(page);
      await shot(page, 'audit');
    },
    SLOW,
  );
});
