import AxeBuilder from '@axe-core/playwright';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcPeer, type OidcPeer } from '../../plugins/oidc/test/oidc-peer.js';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { captureRedirect, freshPage, launchBrowser } from '../support/browser.js';
import { authorization, createAppClient, discover, type AppClient } from '../support/openid.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { createNativePool } from '../support/native.js';
import { createPool } from '../support/sign-in.js';

/**
 * openid-client (a real relying party) and Chromium (a real browser) against the hosted login: one
 * browser for the file, a fresh context (no cookies) per user.
 */
const CALLBACK = 'http://127.0.0.1:9/portal/callback';
const AFTER_LOGOUT = 'http://127.0.0.1:9/portal/bye';
let server: TestServer;
let browser: Browser;
let directory: DirectoryPeer;
let idp: OidcPeer;
let app: AppClient;
let config: oidc.Configuration;
let directoryPool: string;
let idpPool: string;

beforeAll(async () => {
  [server, browser, directory] = await Promise.all([startTestServer({ sources: [directorySource] }), launchBrowser(), startDirectoryPeer()]);
  idp = await startOidcPeer(`${server.url}/auth/federation/callback`);
  ok(await server.gql('mutation { createTenant(input: { id: "acme", name: "Acme" }) { id } }'));
  ok(await server.gql('mutation { createRole(input: { key: "admin", name: "Admin" }) { id } }'));
  ok(await server.gql('mutation { createRole(input: { key: "editor", name: "Editor" }) { id } }'));
  ok(
    await server.gql(
      'mutation { createUser(input: { email: "ann@acme.test", password: "ann-password-1", tenantId: "acme", roleKeys: ["admin"], profile: { name: "Ann" } }) { id } }',
    ),
  );
  directoryPool = await createPool(server, {
    name: 'Legacy directory',
    type: 'EXTERNAL',
    source: directorySource.key,
    config: directory.config(),
    settings: { jitMigration: true },
  });
  idpPool = await createPool(server, {
    name: 'Corporate IdP',
    type: 'IDP_FEDERATION',
    source: 'oidc',
    config: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      scopes: ['openid', 'email', 'profile', 'tenant', 'roles'],
      tenantIdFieldName: 'tenantId',
      rolesClaim: 'roles',
      allowInsecureRequests: true,
    },
    settings: { tenantResolution: { mode: 'FROM_ATTRIBUTE' } },
  });
  await createNativePool(server, {
    publicRegistration: true,
    payloadSchema: {
      type: 'object',
      properties: {
        profile: { type: 'object', required: ['name'], properties: { name: { type: 'string', title: 'Full name' }, newsletter: { type: 'boolean' } } },
      },
    },
  });
  app = await createAppClient(server, { name: 'Acme Portal', redirectUris: [CALLBACK], postLogoutRedirectUris: [AFTER_LOGOUT] });
  config = await discover(server, app);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await idp?.close();
  await directory?.close();
  await server?.close();
});

/** The rest of the relying party's part once it has its code: exchange, ID token, userinfo, refresh, and logout through the browser. */
async function completeAsTheApp(page: Page, landed: URL, request: Awaited<ReturnType<typeof authorization>>, expected: Record<string, unknown>) {
  expect(landed.searchParams.get('state')).toBe(request.state);
  const tokens = await oidc.authorizationCodeGrant(config, landed, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
  const claims = tokens.claims()!;
  expect(claims).toMatchObject({ iss: server.url, aud: app.clientId, nonce: request.nonce, ...expected });
  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  expect(info).toMatchObject({ sub: claims.sub, ...expected });
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
  expect(refreshed.claims()).toMatchObject({ sub: claims.sub, ...expected });
  // The rotated refresh token is spent.
  await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  const logout = oidc.buildEndSessionUrl(config, { id_token_hint: refreshed.id_token!, post_logout_redirect_uri: AFTER_LOGOUT, state: 'bye' });
  const signedOut = await captureRedirect(page, AFTER_LOGOUT, async () => {
    await page.goto(logout.href);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  });
  expect(signedOut.searchParams.get('state')).toBe('bye');
  // The refresh token died with the session.
  await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  return claims;
}

async function signInWithPassword(page: Page, request: Awaited<ReturnType<typeof authorization>>, email: string, password: string): Promise<URL> {
  return captureRedirect(page, CALLBACK, async () => {
    await page.goto(request.url.href);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  });
}

// A browser on a loaded two-core machine: generous time per test.
describe('the hosted login in a browser, with openid-client as the app', { timeout: 120_000 }, () => {
  it('a local user: the page is accessible, then code, ID token, userinfo, refresh and logout', async () => {
    const { context, page } = await freshPage(browser);
    try {
      const request = await authorization(config, CALLBACK, { scope: 'openid email profile offline_access' });
      await page.goto(request.url.href);
      await expect(page.title()).resolves.toBe('Sign in · Tributary');
      expect(await page.evaluate('document.activeElement?.id')).toBe('email');
      expect(await page.getByRole('button', { name: 'Continue with Corporate IdP' }).count()).toBe(1);
      const accessible = async () => {
        const audit = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
        expect(audit.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' ')}`)).toEqual([]);
      };
      await accessible();
      if (process.env.TRIBUTARY_SCREENSHOTS) await page.screenshot({ path: 'docs/screenshots/hosted-login-desktop.png' });
      // A phone: one column, nothing wider than the screen.
      await page.setViewportSize({ width: 375, height: 740 });
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
      if (process.env.TRIBUTARY_SCREENSHOTS) await page.screenshot({ path: 'docs/screenshots/hosted-login-phone.png' });
      await page.setViewportSize({ width: 1280, height: 800 });
      // The registration page (fields from the payload schema) and a refused sign-in are accessible too.
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByRole('button', { name: 'Create account' }).click();
      expect(await page.getByText('Check the fields marked below.').count()).toBe(1);
      await accessible();
      await page.goto(request.url.href);
      await page.getByLabel('Email').fill('ann@acme.test');
      await page.getByLabel('Password').fill('not-her-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('not right');
      await accessible();

      const landed = await signInWithPassword(page, request, 'ann@acme.test', 'ann-password-1');
      const claims = await completeAsTheApp(page, landed, request, {
        email: 'ann@acme.test',
        tenant_id: 'acme',
        roles: ['admin'],
        pool: 'local',
        amr: ['pwd'],
        name: 'Ann',
      });
      const { userByEmail } = ok(await server.gql('{ userByEmail(email: "ann@acme.test") { id } }'));
      expect(claims.sub).toBe(userByEmail.id);
    } finally {
      await context.close();
    }
  });

  it('a first sign-in through an external pool creates the user (JIT) and names the pool', async () => {
    directory.addUser({ email: 'jit@legacy.test', password: 'legacy-pass-1', name: 'Jit', tenantId: 'acme', roles: ['editor'] });
    const { context, page } = await freshPage(browser);
    try {
      const request = await authorization(config, CALLBACK, { scope: 'openid email profile offline_access' });
      const landed = await signInWithPassword(page, request, 'JIT@legacy.test', 'legacy-pass-1');
      await completeAsTheApp(page, landed, request, { email: 'jit@legacy.test', roles: ['editor'], pool: directoryPool, amr: ['pwd'] });
      const [row] = await server.sql<Record<string, any>>('select migrated_from_id, password_hash from users where email = ?', ['jit@legacy.test']);
      expect(row).toMatchObject({ migrated_from_id: directoryPool });
      expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    } finally {
      await context.close();
    }
  });

  it('an IdP federation pool: the button runs the federation flow and comes back to the sign-in', async () => {
    idp.accounts.set('fed-user', { email: 'Fed@Corp.test', email_verified: true, name: 'Fed', tenantId: 'corp', roles: ['editor'] });
    const { context, page } = await freshPage(browser);
    try {
      const request = await authorization(config, CALLBACK, { scope: 'openid email profile offline_access' });
      const landed = await captureRedirect(page, CALLBACK, async () => {
        await page.goto(request.url.href);
        await page.getByRole('button', { name: 'Continue with Corporate IdP' }).click();
        // The upstream IdP's own (development) pages: its login, then its consent.
        await page.locator('input[name="login"]').fill('fed-user');
        await page.locator('input[name="password"]').fill('any');
        await page.locator('button[type="submit"]').click();
        await page.locator('button[type="submit"]').click();
      });
      await completeAsTheApp(page, landed, request, { email: 'fed@corp.test', tenant_id: 'corp', roles: ['editor'], pool: idpPool, amr: ['fed'] });
    } finally {
      await context.close();
    }
  });
});
