import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';

const CALLBACK = 'https://portal.example/callback';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const FIELDS = 'id clientId clientSecret name redirectUris postLogoutRedirectUris public corsOrigins';
const create = (input: Record<string, unknown>) =>
  server.gql(`mutation($input: CreateAppClientInput!) { createAppClient(input: $input) { ${FIELDS} } }`, {
    input: { name: 'Portal', redirectUris: [CALLBACK], postLogoutRedirectUris: [], public: false, ...input },
  });
/** The token endpoint with the client's Basic credentials: a bogus refresh token tells client authentication (401) from the grant (400). */
const authenticates = async (clientId: string, secret: string) => {
  const response = await fetch(`${server.url}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-token' }),
  });
  const body = (await response.json()) as { error: string };
  return body.error === 'invalid_grant' ? true : body.error === 'invalid_client' ? false : body.error;
};
const authorize = (clientId: string, redirectUri: string) =>
  fetch(
    `${server.url}/oidc/auth?${new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`,
    { redirect: 'manual' },
  );

describe('app clients over GraphQL', () => {
  it('shows a confidential client’s secret once, stores only its hash, and checks it at the token endpoint', async () => {
    const created = ok(await create({ corsOrigins: ['https://portal.example'] })).createAppClient;
    expect(created).toMatchObject({ name: 'Portal', redirectUris: [CALLBACK], public: false, corsOrigins: ['https://portal.example'] });
    expect(created.clientSecret).toMatch(/^trb_cs_[A-Za-z0-9_-]{43}$/);
    const [row] = await server.sql<{ secret_hash: string }>('select secret_hash from app_clients where id = ?', [created.id]);
    expect(row!.secret_hash).not.toContain(created.clientSecret);
    expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    const listed = ok(await server.gql(`{ appClients { ${FIELDS} } }`)).appClients.find((client: { id: string }) => client.id === created.id);
    expect(listed.clientSecret).toBeNull();
    expect(await authenticates(created.clientId, created.clientSecret)).toBe(true);
    expect(await authenticates(created.clientId, `${created.clientSecret}x`)).toBe(false);
    // The hash itself is not a password.
    expect(await authenticates(created.clientId, row!.secret_hash)).toBe(false);
    const audit = ok(await server.gql('{ auditEvents(first: 5, filter: { action: "createAppClient" }) { nodes { outcome details } } }')).auditEvents.nodes;
    expect(JSON.stringify(audit)).not.toContain(created.clientSecret);
  });

  it('rotates a secret: the old one stops at once, the new one works; a public client has none', async () => {
    const created = ok(await create({})).createAppClient;
    const rotated = ok(await server.gql(`mutation($id: ID!) { rotateAppClientSecret(id: $id) { clientSecret } }`, { id: created.id })).rotateAppClientSecret;
    expect(rotated.clientSecret).not.toBe(created.clientSecret);
    expect(await authenticates(created.clientId, created.clientSecret)).toBe(false);
    expect(await authenticates(created.clientId, rotated.clientSecret)).toBe(true);
    const spa = ok(await create({ public: true })).createAppClient;
    expect(spa.clientSecret).toBeNull();
    const refused = await server.gql(`mutation($id: ID!) { rotateAppClientSecret(id: $id) { clientSecret } }`, { id: spa.id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('refuses bad URIs, naming the field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ redirectUris: ['/callback'] }, 'input.redirectUris.0', /absolute/],
      [{ redirectUris: [CALLBACK, 'http://portal.example/cb'] }, 'input.redirectUris.1', /https/],
      [{ redirectUris: [`${CALLBACK}#done`] }, 'input.redirectUris.0', /fragment/],
      [{ redirectUris: ['javascript:alert(1)'] }, 'input.redirectUris.0', /scheme/],
      [{ redirectUris: [] }, 'input.redirectUris', /at least one/],
      [{ redirectUris: [CALLBACK, CALLBACK] }, 'input.redirectUris', /repeat/],
      [{ postLogoutRedirectUris: ['http://portal.example/bye'] }, 'input.postLogoutRedirectUris.0', /https/],
      [{ corsOrigins: ['https://portal.example/'] }, 'input.corsOrigins.0', /origin only/],
      [{ name: '  ' }, 'input.name', /empty/],
    ];
    for (const [input, field, message] of cases) {
      const answer = await create(input);
      expect(answer.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(answer.errors?.[0]?.message).toMatch(message);
    }
    const update = await server.gql('mutation($id: ID!) { updateAppClient(id: $id, input: { redirectUris: ["ftp://x"] }) { id } }', { id: randomUUID() });
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.redirectUris.0' });
  });

  it('an update and a deletion apply to the provider at once', async () => {
    const created = ok(await create({})).createAppClient;
    expect((await authorize(created.clientId, CALLBACK)).status).toBe(303);
    ok(await server.gql('mutation($id: ID!) { updateAppClient(id: $id, input: { redirectUris: ["https://portal.example/v2"] }) { id } }', { id: created.id }));
    expect((await authorize(created.clientId, CALLBACK)).status).toBe(400);
    expect((await authorize(created.clientId, 'https://portal.example/v2')).status).toBe(303);
    expect(ok(await server.gql('mutation($id: ID!) { deleteAppClient(id: $id) }', { id: created.id })).deleteAppClient).toBe(true);
    expect((await authorize(created.clientId, 'https://portal.example/v2')).status).toBe(400);
    expect(await authenticates(created.clientId, created.clientSecret)).toBe(false);
    const again = await server.gql('mutation($id: ID!) { deleteAppClient(id: $id) }', { id: created.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('a client’s redirect URIs are allowed for the federation API too; others still are not', async () => {
    ok(await create({ redirectUris: ['https://portal.example/federated'] }));
    const pool = randomUUID();
    // An IdP pool whose IdP cannot be reached: the start fails after the redirect URI was accepted, so the error goes back to the app.
    await server.sql(
      `insert into user_pools (id, name, type, source, config, settings, position, enabled, created_at, updated_at) values (?, 'Unreachable IdP', 'IDP_FEDERATION', 'oidc', '{}', '{}', 50, true, now(), now())`,
      [pool],
    );
    const start = (redirectUri: string) =>
      fetch(
        `${server.url}/auth/federation/${pool}/start?${new URLSearchParams({ redirect_uri: redirectUri, state: 's1', code_challenge: 'b'.repeat(43), code_challenge_method: 'S256' })}`,
        {
          redirect: 'manual',
        },
      );
    const accepted = await start('https://portal.example/federated');
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get('location')).toMatch(/^https:\/\/portal\.example\/federated\?error=temporarily_unavailable/);
    const refused = await start('https://portal.example/not-registered');
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
  });
});
