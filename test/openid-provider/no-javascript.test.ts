import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { authorization, CookieBrowser, createAppClient, discover, type AppClient } from '../support/openid.js';

const CALLBACK = 'http://127.0.0.1:9/app/callback';
const AFTER_LOGOUT = 'http://127.0.0.1:9/app/signed-out';
let server: TestServer;
let app: AppClient;
let config: oidc.Configuration;

beforeAll(async () => {
  server = await startTestServer();
  ok(await server.gql('mutation { createTenant(input: { id: "acme", name: "Acme" }) { id } }'));
  ok(await server.gql('mutation { createRole(input: { key: "admin", name: "Admin" }) { id } }'));
  ok(
    await server.gql(
      'mutation { createUser(input: { email: "ann@acme.test", password: "ann-password-1", tenantId: "acme", roleKeys: ["admin"], profile: { name: "Ann" } }) { id } }',
    ),
  );
  app = await createAppClient(server, { name: 'Acme Portal', redirectUris: [CALLBACK], postLogoutRedirectUris: [AFTER_LOGOUT] });
  config = await discover(server, app);
});
afterAll(async () => {
  await server?.close();
});

describe('the hosted login without JavaScript', () => {
  it('signs a user in with plain forms: code, tokens with the DESIGN claims, userinfo, refresh and logout', async () => {
    const browser = new CookieBrowser();
    const request = await authorization(config, CALLBACK, { scope: 'openid email profile offline_access' });
    expect(await browser.go(request.url, CALLBACK)).toBeNull();
    expect(browser.status).toBe(200);
    expect(browser.html).toContain('<html lang="en">');
    expect(browser.html).toContain('Acme Portal');
    expect(browser.html).not.toContain('<script');
    const landed = await browser.submit('/login', { email: 'ann@acme.test', password: 'ann-password-1' }, CALLBACK);
    expect(landed?.searchParams.get('state')).toBe(request.state);

    const tokens = await oidc.authorizationCodeGrant(config, landed!, {
      pkceCodeVerifier: request.verifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    const claims = tokens.claims()!;
    const { userByEmail } = ok(await server.gql('{ userByEmail(email: "ann@acme.test") { id } }'));
    expect(claims).toMatchObject({
      iss: server.url,
      aud: app.clientId,
      sub: userByEmail.id,
      email: 'ann@acme.test',
      tenant_id: 'acme',
      roles: ['admin'],
      pool: 'local',
      amr: ['pwd'],
      name: 'Ann',
    });
    expect(tokens.refresh_token).toBeTruthy();

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: userByEmail.id, email: 'ann@acme.test', tenant_id: 'acme', roles: ['admin'], pool: 'local' });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.claims()).toMatchObject({ sub: userByEmail.id, tenant_id: 'acme' });

    const logout = oidc.buildEndSessionUrl(config, { id_token_hint: refreshed.id_token!, post_logout_redirect_uri: AFTER_LOGOUT, state: 'bye' });
    expect(await browser.go(logout, AFTER_LOGOUT)).toBeNull();
    expect(browser.html).toContain('Sign out');
    const out = await browser.submit('/session/end/confirm', { logout: 'yes' }, AFTER_LOGOUT);
    expect(out?.searchParams.get('state')).toBe('bye');
    // Signed out: the next authorization asks for the password again.
    const again = await authorization(config, CALLBACK);
    expect(await browser.go(again.url, CALLBACK)).toBeNull();
    expect(browser.html).toContain('name="password"');
  });
});
