import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { authorization, CookieBrowser, createAppClient, discover, type AppClient } from '../support/openid.js';

const CALLBACK = 'http://127.0.0.1:9/app/callback';
const AFTER_LOGOUT = 'http://127.0.0.1:9/app/bye';
const EVIL = 'https://evil.example/steal';
let server: TestServer;
let app: AppClient;
let spa: AppClient;
let config: oidc.Configuration;
let spaConfig: oidc.Configuration;

beforeAll(async () => {
  server = await startTestServer();
  ok(await server.gql('mutation { createUser(input: { email: "eve@acme.test", password: "eve-password-1" }) { id } }'));
  app = await createAppClient(server, { name: 'Server app', redirectUris: [CALLBACK], postLogoutRedirectUris: [AFTER_LOGOUT] });
  spa = await createAppClient(server, {
    name: 'Browser app',
    redirectUris: [CALLBACK],
    postLogoutRedirectUris: [],
    public: true,
    corsOrigins: ['http://127.0.0.1:9'],
  });
  [config, spaConfig] = await Promise.all([discover(server, app), discover(server, spa)]);
});
afterAll(async () => {
  await server?.close();
});

/** Signs eve in with plain forms and returns the browser and the URL the app received. */
async function signInEve(configuration: oidc.Configuration, extra: Record<string, string> = {}) {
  const browser = new CookieBrowser();
  const request = await authorization(configuration, CALLBACK, extra);
  await browser.go(request.url, CALLBACK);
  const landed = await browser.submit('/login', { email: 'eve@acme.test', password: 'eve-password-1' }, CALLBACK);
  if (!landed) throw new Error(`no redirect: ${browser.status} ${browser.html.slice(0, 300)}`);
  return { browser, request, landed };
}

const token = (body: Record<string, string>, auth = app) =>
  fetch(`${server.url}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(auth.clientSecret ? { authorization: `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(auth.clientSecret ? body : { ...body, client_id: auth.clientId }),
  });

describe('the OpenID Provider under attack', () => {
  it('never redirects to a redirect URI the client did not register, not even one differing by a path or a query', async () => {
    for (const redirect of [EVIL, `${CALLBACK}/../evil`, `${CALLBACK}?x=1`, 'http://127.0.0.1:9/app/callbacks']) {
      const url = new URL(`${server.url}/oidc/auth`);
      url.search = new URLSearchParams({
        client_id: app.clientId,
        redirect_uri: redirect,
        response_type: 'code',
        scope: 'openid',
        state: 's',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'S256',
      }).toString();
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status, redirect).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('redirect_uri');
    }
  });

  it('a public client without PKCE is refused, and its code needs the verifier', async () => {
    const url = oidc.buildAuthorizationUrl(spaConfig, { redirect_uri: CALLBACK, scope: 'openid', state: 'no-pkce' });
    const browser = new CookieBrowser();
    const landed = await browser.go(url, CALLBACK);
    expect(landed?.searchParams.get('error')).toBe('invalid_request');
    expect(landed?.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(landed?.searchParams.get('state')).toBe('no-pkce');
    expect(landed?.searchParams.get('code')).toBeNull();

    const { landed: withCode } = await signInEve(spaConfig);
    const exchanged = await token({ grant_type: 'authorization_code', code: withCode.searchParams.get('code')!, redirect_uri: CALLBACK }, spa);
    expect(exchanged.status).toBe(400);
    expect(((await exchanged.json()) as Record<string, string>).error).toBe('invalid_grant');
  });

  it('a public client’s browser code may call the token endpoint only from its registered origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/oidc/token`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } }).then((response) =>
        response.headers.get('access-control-allow-origin'),
      );
    const { landed, request } = await signInEve(spaConfig);
    const allowed = await fetch(`${server.url}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:9' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: landed.searchParams.get('code')!,
        redirect_uri: CALLBACK,
        client_id: spa.clientId,
        code_verifier: request.verifier,
      }),
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:9');
    expect(await preflight('http://127.0.0.1:9')).toBe('http://127.0.0.1:9');
    const refused = await fetch(`${server.url}/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x', client_id: spa.clientId }),
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a code is single use: its replay fails and revokes the tokens it gave', async () => {
    const { landed, request } = await signInEve(config);
    const tokens = await oidc.authorizationCodeGrant(config, landed, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect((await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).email).toBe('eve@acme.test');
    const replay = await token({
      grant_type: 'authorization_code',
      code: landed.searchParams.get('code')!,
      redirect_uri: CALLBACK,
      code_verifier: request.verifier,
    });
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as Record<string, string>).error).toBe('invalid_grant');
    await expect(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toThrow();
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('two concurrent redemptions of one code: exactly one gets tokens', async () => {
    const { landed, request } = await signInEve(config);
    const body = { grant_type: 'authorization_code', code: landed.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: request.verifier };
    const statuses = (await Promise.all([token(body), token(body), token(body)])).map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
  });

  it('echoes state and nonce exactly, and a relying party refuses a response for another state or nonce', async () => {
    const { landed, request } = await signInEve(config);
    expect(landed.searchParams.get('state')).toBe(request.state);
    const forged: { message?: string; cause?: { message?: string } } = await oidc
      .authorizationCodeGrant(config, landed, { pkceCodeVerifier: request.verifier, expectedState: 'another-state', expectedNonce: request.nonce })
      .then(() => ({}))
      .catch((error: { message?: string; cause?: { message?: string } }) => error);
    expect(forged.message).toBe('invalid response encountered');
    expect(forged.cause?.message).toMatch(/state/);
    const tokens = await oidc.authorizationCodeGrant(config, landed, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()!.nonce).toBe(request.nonce);
  });

  it('the login form refuses a post without its CSRF token, with another interaction’s token, or from a browser that did not start it', async () => {
    const victim = new CookieBrowser();
    await victim.go((await authorization(config, CALLBACK)).url, CALLBACK);
    const action = /action="([^"]*\/login)"/.exec(victim.html)![1]!;
    const attacker = new CookieBrowser();
    await attacker.go((await authorization(config, CALLBACK)).url, CALLBACK);
    const attackerToken = /name="csrf" value="([^"]+)"/.exec(attacker.html)![1]!;
    const post = (browser: CookieBrowser, fields: Record<string, string>) =>
      browser.go(new URL(action, server.url), CALLBACK, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });

    expect(await post(victim, { email: 'eve@acme.test', password: 'eve-password-1' })).toBeNull();
    expect(victim.status).toBe(403);
    expect(await post(victim, { email: 'eve@acme.test', password: 'eve-password-1', csrf: attackerToken })).toBeNull();
    expect(victim.status).toBe(403);
    // A cross-site post carries the right token (say it leaked) but not the victim's interaction cookie.
    const victimToken = /name="csrf" value="([^"]+)"/.exec(victim.html)?.[1] ?? '';
    expect(await post(new CookieBrowser(), { email: 'eve@acme.test', password: 'eve-password-1', csrf: victimToken })).toBeNull();
    // The interaction still works with its own token.
    await victim.go((await authorization(config, CALLBACK)).url, CALLBACK);
    expect(await victim.submit('/login', { email: 'eve@acme.test', password: 'eve-password-1' }, CALLBACK)).not.toBeNull();
    expect(victim.html).not.toContain('eve-password-1');
  });

  it('RP-initiated logout never redirects to an unregistered post_logout_redirect_uri', async () => {
    const { landed, request, browser } = await signInEve(config);
    const tokens = await oidc.authorizationCodeGrant(config, landed, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    for (const target of [EVIL, `${AFTER_LOGOUT}/x`, `${AFTER_LOGOUT}?next=${encodeURIComponent(EVIL)}`]) {
      const url = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: target });
      expect(await browser.go(url, 'https://evil.example')).toBeNull();
      expect(browser.status, target).toBe(400);
      expect(browser.html).toContain('post_logout_redirect_uri');
    }
    // Without id_token_hint nor client_id nobody knows whose URIs apply: no redirect either.
    const bare = new URL(`${server.url}/oidc/session/end`);
    bare.searchParams.set('post_logout_redirect_uri', EVIL);
    expect(await browser.go(bare, 'https://evil.example')).toBeNull();
    expect(await browser.submit('/session/end/confirm', { logout: 'yes' }, 'https://evil.example')).toBeNull();
    expect(browser.status).toBe(200);
    expect(browser.html).toContain('You are signed out');
  });

  it('the page never tells whether an account exists: the same message and status, in comparable time', async () => {
    const browser = new CookieBrowser();
    await browser.go((await authorization(config, CALLBACK)).url, CALLBACK);
    const attempt = async (email: string) => {
      await server.sql('delete from sign_in_attempts');
      const started = performance.now();
      await browser.submit('/login', { email, password: 'wrong-password-x' }, CALLBACK);
      const elapsed = performance.now() - started;
      const message = /<p class="error"[^>]*>([^<]*)<\/p>/.exec(browser.html)?.[1];
      return { elapsed, status: browser.status, message, page: browser.html.replace(/value="[^"]*@[^"]*"/, '') };
    };
    const known = await attempt('eve@acme.test');
    const unknown = await attempt('nobody-here@acme.test');
    expect(known.message).toBeTruthy();
    expect({ status: unknown.status, message: unknown.message, page: unknown.page }).toEqual({
      status: known.status,
      message: known.message,
      page: known.page,
    });
    expect(known.status).toBe(401);
    // The pipeline's failure floor holds every failure to the same time; the page adds the same rendering to both.
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    for (let round = -3; round < 12; round++) {
      const a = await attempt('eve@acme.test');
      const b = await attempt(`nobody-${round}@acme.test`);
      if (round >= 0) {
        times.known.push(a.elapsed);
        times.unknown.push(b.elapsed);
      }
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
    const [k, u] = [median(times.known), median(times.unknown)];
    expect(Math.abs(k - u) / Math.min(k, u), JSON.stringify({ known: k, unknown: u })).toBeLessThan(0.5);
    await server.sql('delete from sign_in_attempts');
  });
});
