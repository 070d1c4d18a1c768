import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { createPool, verifyToken } from '../support/sign-in.js';
import { browse, startOidcPeer, type OidcPeer } from '../../plugins/oidc/test/oidc-peer.js';

const APP = 'http://127.0.0.1:9/app/callback';
let server: TestServer;
let idp: OidcPeer;
let pool: string;

beforeAll(async () => {
  server = await startTestServer({ env: { TRIBUTARY_REDIRECT_URIS: `${APP},http://127.0.0.1:9/other` } });
  idp = await startOidcPeer(`${server.url}/auth/federation/callback`);
  ok(await server.gql('mutation { createRole(input: { key: "staff", name: "Staff" }) { id } }'));
  pool = await createPool(server, {
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
    settings: { syncUserAttributes: true, tenantResolution: { mode: 'FROM_ATTRIBUTE' } },
  });
});
afterAll(async () => {
  await idp?.close();
  await server?.close();
});

const pkce = () => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};
/** A start URL with a fresh PKCE challenge unless `params` says otherwise (PKCE is required by default). */
const startUrl = (params: Record<string, string>, poolId = pool, base = server.url) =>
  `${base}/auth/federation/${poolId}/start?${new URLSearchParams({ code_challenge: pkce().challenge, code_challenge_method: 'S256', ...params })}`;
const exchange = async (body: Record<string, string>) => {
  const response = await fetch(`${server.url}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
/** The whole flow as an app drives it: start, the IdP's pages, back to the app with a code. */
const signInThroughIdp = async (login: string, extra: Record<string, string> = {}) => {
  const { verifier, challenge } = pkce();
  const landed = await browse(startUrl({ redirect_uri: APP, state: 'app-state-1', code_challenge: challenge, code_challenge_method: 'S256', ...extra }), {
    login,
    stopAt: APP,
  });
  return { landed, verifier };
};

describe('OpenID Connect federation', () => {
  it('signs a user in through the IdP and gives the app Tributary tokens with tenant, roles and profile', async () => {
    idp.accounts.set('alice', { email: 'Alice@Corp.test', email_verified: true, name: 'Alice', tenantId: 'corp', roles: ['staff', 'unknown'] });
    const { landed, verifier } = await signInThroughIdp('alice');
    expect(landed.searchParams.get('state')).toBe('app-state-1');
    const code = landed.searchParams.get('code')!;
    expect(code).toMatch(/^ac_/);
    const tokens = await exchange({ grant_type: 'authorization_code', code, redirect_uri: APP, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    const claims = await verifyToken(server, tokens.body.access_token);
    expect(claims).toMatchObject({ email: 'alice@corp.test', tenant_id: 'corp', roles: ['staff'], pool, amr: ['fed'] });
    const { userByEmail } = ok(await server.gql('{ userByEmail(email: "alice@corp.test") { pool { id } externalId profile tenant { id } } }'));
    expect(userByEmail).toMatchObject({ pool: { id: pool }, externalId: 'alice', profile: { name: 'Alice', email_verified: true }, tenant: { id: 'corp' } });
    // A code is single use.
    expect((await exchange({ grant_type: 'authorization_code', code, redirect_uri: APP, code_verifier: verifier })).body.error).toBe('invalid_grant');
  });

  it('runs the prehooks: beforeUserCreate and afterAuthentication at the callback, beforeTokenIssue at the code exchange and on refresh', async () => {
    const hook = async (name: string, event: string, code: string) =>
      ok(await server.gql('mutation($input: CreatePrehookInput!) { createPrehook(input: $input) { id } }', { input: { name, event, code } })).createPrehook.id;
    const ids = [
      await hook('tag', 'beforeUserCreate', 'export default async (e) => ({ metadata: { via: "idp" } })'),
      await hook('count', 'afterAuthentication', 'export default async (e) => ({ metadata: { seen: (e.user.metadata.seen ?? 0) + 1 } })'),
      await hook('claims', 'beforeTokenIssue', 'export default async (e) => ({ claims: { dept: "eng", email: "forged@evil.test" } })'),
    ];
    try {
      idp.accounts.set('frank', { email: 'frank@corp.test', email_verified: true, tenantId: 'corp' });
      const { landed, verifier } = await signInThroughIdp('frank');
      const tokens = await exchange({ grant_type: 'authorization_code', code: landed.searchParams.get('code')!, redirect_uri: APP, code_verifier: verifier });
      expect(await verifyToken(server, tokens.body.access_token)).toMatchObject({ dept: 'eng', email: 'frank@corp.test' });
      expect(ok(await server.gql('{ userByEmail(email: "frank@corp.test") { metadata } }')).userByEmail.metadata).toEqual({ via: 'idp', seen: 1 });
      const refreshed = await exchange({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token });
      expect(await verifyToken(server, refreshed.body.access_token)).toMatchObject({ dept: 'eng', pool, amr: ['fed'] });
    } finally {
      for (const id of ids) ok(await server.gql(`mutation { deletePrehook(id: "${id}") }`));
    }
  });

  it('syncs the profile at every sign-in when the pool syncs', async () => {
    idp.accounts.set('bob', { email: 'bob@corp.test', email_verified: true, name: 'Bob', tenantId: 'corp' });
    await signInThroughIdp('bob');
    idp.accounts.set('bob', { email: 'bob@corp.test', email_verified: true, name: 'Robert', tenantId: 'corp' });
    await signInThroughIdp('bob');
    expect(ok(await server.gql('{ userByEmail(email: "bob@corp.test") { profile } }')).userByEmail.profile.name).toBe('Robert');
  });

  it('binds the code to the app: wrong redirect_uri, missing or wrong PKCE verifier are refused', async () => {
    idp.accounts.set('carol', { email: 'carol@corp.test', email_verified: true });
    for (const tamper of [{ redirect_uri: 'http://127.0.0.1:9/other' }, { code_verifier: pkce().verifier }, { code_verifier: undefined }]) {
      const { landed, verifier } = await signInThroughIdp('carol');
      const body: Record<string, string> = {
        grant_type: 'authorization_code',
        code: landed.searchParams.get('code')!,
        redirect_uri: APP,
        code_verifier: verifier,
      };
      for (const [key, value] of Object.entries(tamper)) {
        if (value === undefined) delete body[key];
        else body[key] = value;
      }
      expect((await exchange(body)).body.error).toBe('invalid_grant');
    }
  });

  it('refuses an unregistered redirect_uri without redirecting anywhere (no open redirect)', async () => {
    for (const redirect of ['https://evil.example/steal', `${APP}?x=1`, 'http://127.0.0.1:9/app/callback/../../evil', '']) {
      const response = await fetch(startUrl({ redirect_uri: redirect, state: 's' }), { redirect: 'manual' });
      expect(response.status, redirect).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it('sends IdP errors and bad pools back to the app as OAuth errors, with its state', async () => {
    const aborted = await browse(startUrl({ redirect_uri: APP, state: 'st' }), { login: 'x', stopAt: APP, abort: true });
    expect(aborted.searchParams.get('error')).toBe('access_denied');
    expect(aborted.searchParams.get('state')).toBe('st');
    const unknownPool = await fetch(startUrl({ redirect_uri: APP, state: 'st' }, '00000000-0000-7000-8000-000000000000'), { redirect: 'manual' });
    expect(new URL(unknownPool.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a forged, replayed or unknown state at the callback', async () => {
    const forged = await fetch(`${server.url}/auth/federation/callback?code=abc&state=forged`, { redirect: 'manual' });
    expect(forged.status).toBe(400);
    idp.accounts.set('dave', { email: 'dave@corp.test', email_verified: true });
    // Stop at Tributary's callback, use it once, then replay it.
    const callback = await browse(startUrl({ redirect_uri: APP, state: 'st' }), { login: 'dave', stopAt: `${server.url}/auth/federation/callback` });
    const first = await fetch(callback, { redirect: 'manual' });
    expect(new URL(first.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    const replay = await fetch(callback, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
  });

  it('refuses a flow that expired at the IdP, even with a valid IdP code', async () => {
    idp.accounts.set('gina', { email: 'gina@corp.test', email_verified: true });
    const callback = await browse(startUrl({ redirect_uri: APP, state: 'st' }), { login: 'gina', stopAt: `${server.url}/auth/federation/callback` });
    await server.sql("update federation_flows set expires_at = now() - interval '1 second' where id = ?", [callback.searchParams.get('state')]);
    const late = await fetch(callback, { redirect: 'manual' });
    expect(late.status).toBe(400);
    expect(((await late.json()) as { error_description: string }).error_description).toMatch(/expired/);
    expect(ok(await server.gql('{ userByEmail(email: "gina@corp.test") { id } }')).userByEmail).toBeNull();
  });

  it('never takes over an existing account: linking only when the pool allows it and the IdP verified the email', async () => {
    ok(await server.gql('mutation { createUser(input: { email: "erin@corp.test", password: "erin-local-pw" }) { id } }'));
    idp.accounts.set('erin-idp', { email: 'erin@corp.test', email_verified: true });
    const refused = await signInThroughIdp('erin-idp');
    expect(refused.landed.searchParams.get('error')).toBe('access_denied');
    ok(await server.gql(`mutation { updateUserPool(id: "${pool}", input: { settings: { linkExistingUsers: true } }) { id } }`));
    idp.accounts.set('erin-unverified', { email: 'erin@corp.test', email_verified: false });
    expect((await signInThroughIdp('erin-unverified')).landed.searchParams.get('error')).toBe('access_denied');
    const linked = await signInThroughIdp('erin-idp');
    const tokens = await exchange({
      grant_type: 'authorization_code',
      code: linked.landed.searchParams.get('code')!,
      redirect_uri: APP,
      code_verifier: linked.verifier,
    });
    const [erin] = await server.sql<{ id: string; pool_id: string | null }>("select id, pool_id from users where email = 'erin@corp.test'");
    expect((await verifyToken(server, tokens.body.access_token)).sub).toBe(erin!.id);
    expect(erin!.pool_id).toBeNull();
    ok(await server.gql(`mutation { updateUserPool(id: "${pool}", input: { settings: { linkExistingUsers: false } }) { id } }`));
  });

  it('an IdP that is down sends the app temporarily_unavailable', async () => {
    const down = await createPool(server, {
      name: 'Dead IdP',
      type: 'IDP_FEDERATION',
      source: 'oidc',
      config: { issuer: 'http://127.0.0.1:9/', clientId: 'c', clientSecret: 's', allowInsecureRequests: true },
      settings: { timeoutMs: 500 },
    });
    const response = await fetch(startUrl({ redirect_uri: APP, state: 'st' }, down), { redirect: 'manual' });
    expect(new URL(response.headers.get('location')!).searchParams.get('error')).toBe('temporarily_unavailable');
    const test = ok(await server.gql(`mutation { testUserPoolConnection(id: "${down}") { ok message } }`)).testUserPoolConnection;
    expect(test.ok).toBe(false);
    expect(test.message).not.toContain('"s"');
  });
});

describe('PKCE', () => {
  const flows = async () => Number((await server.sql<{ n: string }>('select count(*) as n from federation_flows'))[0]!.n);
  const errorOf = async (url: string) => {
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(APP);
    return { error: back.searchParams.get('error'), state: back.searchParams.get('state') };
  };

  it('refuses a parameter given twice (code_challenge twice was read as no PKCE), without starting a flow or redirecting', async () => {
    const before = await flows();
    const { challenge } = pkce();
    for (const query of [
      `redirect_uri=${encodeURIComponent(APP)}&state=st&code_challenge=${challenge}&code_challenge=${challenge}&code_challenge_method=S256`,
      `redirect_uri=${encodeURIComponent(APP)}&state=st&code_challenge=${challenge}&code_challenge_method=S256&code_challenge_method=S256`,
      `redirect_uri=${encodeURIComponent(APP)}&redirect_uri=${encodeURIComponent(APP)}&state=st&code_challenge=${challenge}&code_challenge_method=S256`,
    ]) {
      const response = await fetch(`${server.url}/auth/federation/${pool}/start?${query}`, { redirect: 'manual' });
      expect(response.status, query).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    }
    expect(await flows()).toBe(before);
  });

  it('requires an S256 challenge of exactly 43 base64url characters: anything else goes back to the app as invalid_request', async () => {
    const before = await flows();
    const { challenge } = pkce();
    for (const params of [
      { code_challenge: '', code_challenge_method: '' },
      { code_challenge: challenge, code_challenge_method: 'plain' },
      { code_challenge: challenge, code_challenge_method: '' },
      { code_challenge: challenge.slice(1), code_challenge_method: 'S256' },
      { code_challenge: `${challenge}=`, code_challenge_method: 'S256' },
      { code_challenge: `${challenge.slice(1)}+`, code_challenge_method: 'S256' },
    ]) {
      const url = new URL(startUrl({ redirect_uri: APP, state: 'st' }));
      for (const [key, value] of Object.entries(params)) {
        if (value) url.searchParams.set(key, value);
        else url.searchParams.delete(key);
      }
      expect(await errorOf(url.toString()), JSON.stringify(params)).toEqual({ error: 'invalid_request', state: 'st' });
    }
    expect(await flows()).toBe(before);
  });

  it('refuses repeated or non-string parameters at /auth/token', async () => {
    const form = await fetch(`${server.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&grant_type=refresh_token&code=ac_x&redirect_uri=x',
    });
    expect(form.status).toBe(400);
    expect(await form.json()).toEqual({ error: 'invalid_request', error_description: 'grant_type: must be given once, as a string' });
    const json = await fetch(`${server.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'rt_x', scope: ['openid'] }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('with TRIBUTARY_ALLOW_CODE_FLOW_WITHOUT_PKCE, a code issued without a challenge refuses any code_verifier (RFC 9700 §2.1.1)', async () => {
    // A second node behind the same public URL: the IdP comes back to the first one, as behind a load balancer.
    const lenient = await startTestServer({
      sameDatabaseAs: server,
      env: { TRIBUTARY_REDIRECT_URIS: APP, TRIBUTARY_PUBLIC_URL: server.url, TRIBUTARY_ALLOW_CODE_FLOW_WITHOUT_PKCE: 'true' },
    });
    try {
      idp.accounts.set('hank', { email: 'hank@corp.test', email_verified: true });
      const plainStart = `${lenient.url}/auth/federation/${pool}/start?${new URLSearchParams({ redirect_uri: APP, state: 'st' })}`;
      // The strict node refuses the same request.
      expect(await errorOf(plainStart.replace(lenient.url, server.url))).toEqual({ error: 'invalid_request', state: 'st' });
      const withVerifier = await browse(plainStart, { login: 'hank', stopAt: APP });
      const code = withVerifier.searchParams.get('code')!;
      const refused = await exchange({ grant_type: 'authorization_code', code, redirect_uri: APP, code_verifier: pkce().verifier });
      expect(refused.body.error).toBe('invalid_grant');
      const plain = await browse(plainStart, { login: 'hank', stopAt: APP });
      const tokens = await exchange({ grant_type: 'authorization_code', code: plain.searchParams.get('code')!, redirect_uri: APP });
      expect(tokens.status).toBe(200);
    } finally {
      await lenient.close();
    }
  });
});
