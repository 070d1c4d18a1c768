import { setTimeout as sleep } from 'node:timers/promises';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { authorization, CookieBrowser, createAppClient, discover, type AppClient } from '../support/openid.js';
import { verifyToken } from '../support/sign-in.js';

const CALLBACK = 'http://127.0.0.1:9/app/callback';
/** The server's clock for signing keys: real time until a test moves it. */
let frozenAt: number | undefined;
const clock = () => frozenAt ?? Date.now();
let server: TestServer;
let app: AppClient;
let config: oidc.Configuration;

beforeAll(async () => {
  server = await startTestServer({ clock });
  ok(await server.gql('mutation { createTenant(input: { id: "acme", name: "Acme" }) { id } }'));
  ok(await server.gql('mutation { createUser(input: { email: "sam@acme.test", password: "sam-password-1", tenantId: "acme" }) { id } }'));
  app = await createAppClient(server, { name: 'Acme', redirectUris: [CALLBACK] });
  config = await discover(server, app);
});
afterAll(async () => {
  await server?.close();
});

const exchange = (configuration: oidc.Configuration, landed: URL, request: Awaited<ReturnType<typeof authorization>>) =>
  oidc.authorizationCodeGrant(configuration, landed, { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce });

async function signedIn(extra: Record<string, string> = {}) {
  const browser = new CookieBrowser();
  const request = await authorization(config, CALLBACK, extra);
  await browser.go(request.url, CALLBACK);
  const landed = (await browser.submit('/login', { email: 'sam@acme.test', password: 'sam-password-1' }, CALLBACK))!;
  return { browser, tokens: await exchange(config, landed, request) };
}

describe('sessions of the OpenID Provider', () => {
  it('a signed-in browser is not asked again, unless the app says prompt=login or its max_age has passed', async () => {
    const { browser, tokens } = await signedIn();
    const silent = await authorization(config, CALLBACK);
    const landed = await browser.go(silent.url, CALLBACK);
    expect(landed?.searchParams.get('code')).toBeTruthy();
    expect((await exchange(config, landed!, silent)).claims()!.sub).toBe(tokens.claims()!.sub);

    const forced = await authorization(config, CALLBACK, { prompt: 'login' });
    expect(await browser.go(forced.url, CALLBACK)).toBeNull();
    expect(browser.html).toContain('name="password"');
    const again = await browser.submit('/login', { email: 'sam@acme.test', password: 'sam-password-1' }, CALLBACK);
    expect((await exchange(config, again!, forced)).claims()!.auth_time).toBeGreaterThanOrEqual(tokens.claims()!.auth_time!);

    await sleep(2_100);
    const stale = await authorization(config, CALLBACK, { max_age: '1' });
    expect(await browser.go(stale.url, CALLBACK)).toBeNull();
    expect(browser.html).toContain('name="password"');
    const fresh = await authorization(config, CALLBACK, { max_age: '3600' });
    expect((await browser.go(fresh.url, CALLBACK))?.searchParams.get('code')).toBeTruthy();
  });

  it('lives in PostgreSQL: a flow started on one node finishes on another, and a restarted node keeps refreshing', async () => {
    // Every node of a deployment has the same public URL: the issuer.
    const env = { TRIBUTARY_PUBLIC_URL: server.url };
    const other = await startTestServer({ sameDatabaseAs: server, clock, env });
    try {
      const browser = new CookieBrowser();
      const request = await authorization(config, CALLBACK);
      await browser.go(request.url, CALLBACK);
      // A load balancer sends the form to the other node: the same public host, so the same cookies.
      const login = /action="([^"]*\/login)"/.exec(browser.html)![1]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(browser.html)![1]!;
      browser.jar.set(new URL(other.url).host, browser.jar.get(new URL(server.url).host)!);
      const landed = await browser.go(new URL(login, other.url), CALLBACK, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf, email: 'sam@acme.test', password: 'sam-password-1' }).toString(),
      });
      expect(landed?.searchParams.get('code')).toBeTruthy();
      const tokens = await exchange(config, landed!, request);
      const refreshToken = tokens.refresh_token!;
      await other.close();
      const restarted = await startTestServer({ sameDatabaseAs: server, clock, env });
      try {
        const response = await fetch(`${restarted.url}/oidc/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`,
          },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
        });
        expect(response.status).toBe(200);
        expect(((await response.json()) as Record<string, string>).refresh_token).toBeTruthy();
      } finally {
        await restarted.close();
      }
    } finally {
      await other.close().catch(() => undefined);
    }
  });

  it('signs with Tributary’s own keys: discovery points at its JWKS, and a rotation switches the provider with the rest', async () => {
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: server.url, jwks_uri: `${server.url}/.well-known/jwks.json`, code_challenge_methods_supported: ['S256'] });
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['ES256']);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`), { cacheMaxAge: 0 });
    const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
    const before = (await signedIn()).tokens.id_token!;
    await jwtVerify(before, jwks, { issuer: server.url, audience: app.clientId });
    const { kid, activatesAt } = await server.app.keys.rotate();
    try {
      expect(kidOf((await signedIn()).tokens.id_token!)).toBe(kidOf(before));
      frozenAt = activatesAt.getTime() + 31_000;
      const after = (await signedIn()).tokens.id_token!;
      expect(kidOf(after)).toBe(kid);
      await jwtVerify(after, jwks, { issuer: server.url, audience: app.clientId });
    } finally {
      frozenAt = undefined;
    }
  });

  it('an app that names Tributary’s API as its resource gets a JWT access token with the sign-in’s claims and the prehooks’', async () => {
    const hook = ok(
      await server.gql('mutation($input: CreatePrehookInput!) { createPrehook(input: $input) { id } }', {
        input: { name: 'dept', event: 'beforeTokenIssue', code: 'export default async (e) => ({ claims: { dept: "sales", tenant_id: "forged" } })' },
      }),
    ).createPrehook.id;
    try {
      const { tokens } = await signedIn({ resource: 'urn:tributary:api:tributary', scope: 'openid email offline_access' });
      const claims = await verifyToken(server, tokens.access_token);
      expect(claims).toMatchObject({
        sub: tokens.claims()!.sub,
        email: 'sam@acme.test',
        tenant_id: 'acme',
        pool: 'local',
        amr: ['pwd'],
        dept: 'sales',
        client_id: app.clientId,
      });
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(await verifyToken(server, refreshed.access_token)).toMatchObject({ tenant_id: 'acme', dept: 'sales' });
      // A prehook that refuses the token refuses the grant: invalid_grant, not a server error.
      ok(await server.gql(`mutation { updatePrehook(id: "${hook}", input: { code: "export default async (e) => ({ deny: 'not today' })" }) { id } }`));
      await expect(oidc.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    } finally {
      ok(await server.gql(`mutation { deletePrehook(id: "${hook}") }`));
    }
  });
});
