import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNativePool } from '../support/native.js';
import { authorization, CookieBrowser, createAppClient, discover } from '../support/openid.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { codeIn, startSmtp, type Inbox } from '../support/smtp.js';

/** Self-service pages of the hosted login (the services of POST /auth/register, /auth/activation/verify, /auth/password/reset/*, /auth/otp/*), without JavaScript. */
const CALLBACK = 'http://127.0.0.1:9/app/callback';
let server: TestServer;
let inbox: Inbox;
let config: oidc.Configuration;
let poolId: string;

const SCHEMA = {
  type: 'object',
  properties: {
    profile: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1, title: 'Full name' }, age: { type: 'integer', minimum: 13 } },
      additionalProperties: false,
    },
  },
};

beforeAll(async () => {
  inbox = await startSmtp();
  server = await startTestServer({ env: { TRIBUTARY_SMTP_URL: inbox.url, TRIBUTARY_MAIL_FROM: 'Tributary <accounts@example.com>' } });
  poolId = await createNativePool(server, { publicRegistration: true, activationRequired: true, payloadSchema: SCHEMA });
  config = await discover(server, await createAppClient(server, { name: 'Shop', redirectUris: [CALLBACK] }));
});
afterAll(async () => {
  await server?.close();
  await inbox?.close();
});

describe('registration on the hosted login', () => {
  it('links to the open native pool, renders its fields, names what is wrong, activates by code, then signs in', async () => {
    const browser = new CookieBrowser();
    const request = await authorization(config, CALLBACK);
    await browser.go(request.url, CALLBACK);
    const link = /href="([^"]*\/register\/[^"]+)"[^>]*>Create an account</.exec(browser.html)?.[1];
    expect(link).toContain(poolId);
    await browser.go(new URL(link!, server.url), CALLBACK);
    expect(browser.html).toContain('<label for="payload-name">Full name</label>');
    expect(browser.html).toContain('Age (optional)');

    await browser.submit(`/register/${poolId}`, { email: 'new@shop.test', password: 'correct horse battery staple', 'payload.name': '', 'payload.age': '9' });
    expect(browser.status).toBe(400);
    expect(browser.html).toMatch(/id="payload-name-error">[^<]+</);
    expect(browser.html).toContain('value="new@shop.test"');
    expect(browser.html).not.toContain('correct horse battery staple');
    await browser.submit(`/register/${poolId}`, { email: 'new@shop.test', password: 'password', 'payload.name': 'Nia' });
    expect(browser.status).toBe(400);
    expect(browser.html).toMatch(/id="password-error">[^<]+</);

    await browser.submit(`/register/${poolId}`, {
      email: 'new@shop.test',
      password: 'correct horse battery staple',
      'payload.name': 'Nia',
      'payload.age': '31',
    });
    expect(browser.status).toBe(201);
    expect(browser.html).toContain('Check your email');
    const [user] = await server.sql<{ status: string; profile: unknown }>('select status, profile from users where email = ?', ['new@shop.test']);
    expect(user).toEqual({ status: 'PENDING_ACTIVATION', profile: { name: 'Nia', age: 31 } });
    await browser.submit('/activate', { code: '000000' });
    expect(browser.status).toBe(400);
    const code = codeIn(await inbox.next('new@shop.test'));
    await browser.submit('/activate', { code });
    expect(browser.html).toContain('Account activated');

    await browser.go(request.url, CALLBACK);
    const landed = await browser.submit('/login', { email: 'new@shop.test', password: 'correct horse battery staple' }, CALLBACK);
    const tokens = await oidc.authorizationCodeGrant(config, landed!, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()).toMatchObject({ email: 'new@shop.test', name: 'Nia', pool: 'local' });
  });

  it('answers a taken email exactly like a new one, and shows no link when no pool takes registrations', async () => {
    ok(await server.gql('mutation { createUser(input: { email: "taken@shop.test", password: "taken-password-1" }) { id } }'));
    const pages: string[] = [];
    for (const email of ['taken@shop.test', 'fresh@shop.test']) {
      const browser = new CookieBrowser();
      await browser.go((await authorization(config, CALLBACK)).url, CALLBACK);
      await browser.go(new URL(/href="([^"]*\/register\/[^"]+)"/.exec(browser.html)![1]!, server.url), CALLBACK);
      await browser.submit(`/register/${poolId}`, { email, password: 'correct horse battery staple', 'payload.name': 'X' });
      expect(browser.status).toBe(201);
      pages.push(
        browser.html
          .replaceAll(email, 'EMAIL')
          .replace(/\/interaction\/[^/"]+/g, '/interaction/UID')
          .replace(/name="csrf" value="[^"]+"/g, ''),
      );
    }
    expect(pages[0]).toBe(pages[1]);
    ok(await server.gql('mutation($id: ID!) { updateUserPool(id: $id, input: { enabled: false }) { id } }', { id: poolId }));
    try {
      const browser = new CookieBrowser();
      await browser.go((await authorization(config, CALLBACK)).url, CALLBACK);
      expect(browser.html).not.toContain('Create an account');
      const direct = new URL(`${browser.url.pathname}/register/${poolId}`, server.url);
      await browser.go(direct, CALLBACK);
      expect(browser.status).toBe(404);
    } finally {
      ok(await server.gql('mutation($id: ID!) { updateUserPool(id: $id, input: { enabled: true }) { id } }', { id: poolId }));
    }
  });

  it('resets a forgotten password by mailed code, with the same page for an unknown email, then signs in with the new one', async () => {
    ok(await server.gql('mutation { createUser(input: { email: "forgot@shop.test", password: "old-password-1" }) { id } }'));
    const pages: string[] = [];
    let browser!: CookieBrowser;
    let request!: Awaited<ReturnType<typeof authorization>>;
    for (const email of ['nobody@shop.test', 'forgot@shop.test']) {
      browser = new CookieBrowser();
      request = await authorization(config, CALLBACK);
      await browser.go(request.url, CALLBACK);
      await browser.go(new URL(/href="([^"]*\/reset)"[^>]*>Forgot your password\?</.exec(browser.html)![1]!, server.url), CALLBACK);
      await browser.submit('/reset', { email });
      expect(browser.status).toBe(200);
      pages.push(
        browser.html
          .replaceAll(email, 'EMAIL')
          .replace(/\/interaction\/[^/"]+/g, '/interaction/UID')
          .replace(/name="csrf" value="[^"]+"/g, ''),
      );
    }
    expect(pages[0]).toBe(pages[1]);
    const code = codeIn(await inbox.next('forgot@shop.test'));
    await browser.submit('/reset/finish', { code: '000000', newPassword: 'a brand new passphrase' });
    expect(browser.status).toBe(400);
    expect(browser.html).toContain('id="code-error"');
    await browser.submit('/reset/finish', { code, newPassword: 'password' });
    expect(browser.status).toBe(400);
    expect(browser.html).toMatch(/id="new-password-error">[^<]+</);
    await browser.submit('/reset/finish', { code, newPassword: 'a brand new passphrase' });
    expect(browser.html).toContain('Password changed');
    await browser.go(request.url, CALLBACK);
    expect(await browser.submit('/login', { email: 'forgot@shop.test', password: 'old-password-1' }, CALLBACK)).toBeNull();
    const landed = await browser.submit('/login', { email: 'forgot@shop.test', password: 'a brand new passphrase' }, CALLBACK);
    const tokens = await oidc.authorizationCodeGrant(config, landed!, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()).toMatchObject({ email: 'forgot@shop.test' });
  });

  it('signs in with a mailed code through the same pipeline (amr otp), refusing a wrong code and a user the pool does not allow alike', async () => {
    const otpPool = await createNativePool(server, { otpSignIn: true });
    ok(
      await server.gql('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', {
        input: { poolId: otpPool, email: 'coder@shop.test', password: 'silent lake morning 42', status: 'ACTIVE' },
      }),
    );
    const browser = new CookieBrowser();
    const request = await authorization(config, CALLBACK);
    await browser.go(request.url, CALLBACK);
    await browser.go(new URL(/href="([^"]*\/otp)"[^>]*>Email me a sign-in code</.exec(browser.html)![1]!, server.url), CALLBACK);
    await browser.submit('/otp', { email: 'coder@shop.test' });
    const page = browser.html;
    const code = codeIn(await inbox.next('coder@shop.test'));
    await browser.submit('/otp/verify', { code: code === '000000' ? '111111' : '000000' }, CALLBACK);
    expect(browser.status).toBe(400);
    expect(browser.html).toContain('id="code-error"');
    // A user of a pool without otpSignIn gets the same page, and no code.
    const other = new CookieBrowser();
    await other.go((await authorization(config, CALLBACK)).url, CALLBACK);
    await other.go(new URL(`${other.url.pathname}/otp`, server.url), CALLBACK);
    await other.submit('/otp', { email: 'forgot@shop.test' });
    expect(
      other.html
        .replaceAll('forgot@shop.test', 'X')
        .replace(/\/interaction\/[^/"]+/g, '')
        .replace(/name="csrf" value="[^"]+"/g, ''),
    ).toBe(
      page
        .replaceAll('coder@shop.test', 'X')
        .replace(/\/interaction\/[^/"]+/g, '')
        .replace(/name="csrf" value="[^"]+"/g, ''),
    );
    const landed = await browser.submit('/otp/verify', { code }, CALLBACK);
    const tokens = await oidc.authorizationCodeGrant(config, landed!, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()).toMatchObject({ email: 'coder@shop.test', amr: ['otp'] });
    expect(inbox.to('forgot@shop.test').filter((mail) => /sign-in code/i.test(mail.subject ?? ''))).toEqual([]);
  });
});
