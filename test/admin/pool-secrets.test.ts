// A pool's secrets are write-only: an admin who can edit the pool but does not know them must not be
// able to send them somewhere new (other code, another host or issuer) and read them back from there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSource } from '../fixtures/test-sources.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';

const API_KEY = 'pool-secret-API-KEY-0123456789';
const HARMLESS = 'export async function authenticate() { return null; }\nexport async function getUser() { return null; }';
// Spelled out letter by letter, so a redaction that looks for the whole value misses it.
const EXFILTRATE = "export async function authenticate() { return null; }\nexport async function getUser() { throw new Error([...env.API_KEY].join(' ')); }";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ sources: [configSource] });
});
afterAll(() => server.close());

const UPDATE = 'mutation($id: ID!, $input: UpdateUserPoolInput!) { updateUserPool(id: $id, input: $input) { id config } }';
const create = async (input: Record<string, unknown>): Promise<string> =>
  ok(await server.gql('mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }', { input })).createUserPool.id;

describe('updateUserPool and write-only secrets', () => {
  it('refuses new custom code that keeps the stored env, and testUserPoolConnection never shows the secret', async () => {
    const id = await create({ name: 'Scripted', type: 'EXTERNAL', source: 'custom-code', config: { code: HARMLESS, env: { API_KEY } } });
    const attack = await server.gql(UPDATE, { id, input: { config: { code: EXFILTRATE } } });
    expect(attack.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.env' });
    expect(attack.errors?.[0]?.message).toMatch(/must be sent again.*code/);
    const masked = await server.gql(UPDATE, { id, input: { config: { code: EXFILTRATE, env: '********' } } });
    expect(masked.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.env' });
    const test = ok(await server.gql(`mutation { testUserPoolConnection(id: "${id}") { ok message details } }`)).testUserPoolConnection;
    expect(test.ok).toBe(true);
    expect(JSON.stringify(test)).not.toMatch(/p o o l/);
  });

  it('accepts the new code when the admin sends the secret again', async () => {
    const id = await create({ name: 'Scripted again', type: 'EXTERNAL', source: 'custom-code', config: { code: HARMLESS, env: { API_KEY } } });
    const mine = 'my-own-key';
    const { updateUserPool } = ok(await server.gql(UPDATE, { id, input: { config: { code: EXFILTRATE, env: { API_KEY: mine } } } }));
    expect(updateUserPool.config).toMatchObject({ env: '********' });
    const test = ok(await server.gql(`mutation { testUserPoolConnection(id: "${id}") { ok message } }`)).testUserPoolConnection;
    // The admin can only read back what they just wrote.
    expect(test.message).toContain([...mine].join(' '));
  });

  it('refuses new allowed hosts that keep the stored env, and keeps it when only other fields change', async () => {
    const id = await create({ name: 'Hosts', type: 'EXTERNAL', source: 'custom-code', config: { code: HARMLESS, env: { API_KEY } } });
    const moved = await server.gql(UPDATE, { id, input: { config: { code: HARMLESS, allowedHosts: ['attacker.example'] } } });
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.env' });
    expect(ok(await server.gql(UPDATE, { id, input: { config: { code: HARMLESS, env: '********' } } })).updateUserPool.config).toMatchObject({
      env: '********',
    });
  });

  it('refuses a plugin-marked destination (the issuer of an IdP, here the base URL) without the secret', async () => {
    const id = await create({
      name: 'Directory',
      type: 'EXTERNAL',
      source: 'test-directory',
      config: { baseUrl: 'https://directory.example', region: 'eu', apiKey: API_KEY },
    });
    const moved = await server.gql(UPDATE, { id, input: { config: { baseUrl: 'https://attacker.example', region: 'eu', apiKey: '********' } } });
    expect(moved.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.apiKey' });
    const region = ok(await server.gql(UPDATE, { id, input: { config: { baseUrl: 'https://directory.example', region: 'us', apiKey: '********' } } }));
    expect(region.updateUserPool.config).toMatchObject({ region: 'us', apiKey: '********' });
    ok(await server.gql(UPDATE, { id, input: { config: { baseUrl: 'https://new.example', region: 'us', apiKey: 'a-new-key' } } }));
  });

  it('lists each source’s destination fields and marks them in the JSON Schema', async () => {
    const { poolSources } = ok(await server.gql('{ poolSources { key destinationFields configSchema } }'));
    const byKey = Object.fromEntries(poolSources.map((source: { key: string }) => [source.key, source]));
    expect(byKey['custom-code'].destinationFields).toEqual(['code', 'allowedHosts']);
    expect(byKey.auth0.destinationFields).toEqual(['domain']);
    expect(byKey.oidc.destinationFields).toEqual(expect.arrayContaining(['issuer']));
    expect(byKey.cognito.destinationFields).toEqual(['region', 'userPoolId', 'endpoint']);
    expect(byKey.firebase.destinationFields).toEqual(['projectId', 'authEmulatorHost']);
    expect(byKey.auth0.configSchema.properties.domain['x-tributary-destination']).toBe(true);
  });
});
