import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSecrets } from '@tributary/core';
import { configSource, idpSource } from '../fixtures/test-sources.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';

const SECRET = 'sk_live_do-not-leak-9f8e7d';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ sources: [configSource, idpSource] });
});
afterAll(() => server.close());

const POOL_FIELDS = 'id name type source config position enabled settings { syncUserAttributes jitMigration tenantResolution { mode tenantId } }';
const create = (input: Record<string, unknown>) =>
  server.gql(`mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { ${POOL_FIELDS} } }`, { input });
const externalPool = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'EXTERNAL',
  source: 'test-directory',
  config: { baseUrl: 'https://directory.example', region: 'eu', apiKey: SECRET },
  ...extra,
});

describe('poolSources', () => {
  it('lists installed plugins with the JSON Schema of their config and their secret fields', async () => {
    const { poolSources } = ok(await server.gql('{ poolSources { key displayName type configSchema secretFields } }'));
    const directory = poolSources.find((source: { key: string }) => source.key === 'test-directory');
    expect(directory).toMatchObject({ displayName: 'Test directory', type: 'EXTERNAL', secretFields: ['apiKey'] });
    expect(directory.configSchema.properties.region.enum).toEqual(['eu', 'us']);
    expect(directory.configSchema.properties.apiKey.writeOnly).toBe(true);
    expect(directory.configSchema.required).toEqual(expect.arrayContaining(['baseUrl', 'region', 'apiKey']));
  });

  it('lists native (NATIVE pools) with the JSON Schema of its config, and a pool made from that schema is created', async () => {
    const { poolSources } = ok(await server.gql('{ poolSources { key displayName type configSchema secretFields destinationFields } }'));
    const native = poolSources.find((source: { key: string }) => source.key === 'native');
    expect(native).toMatchObject({ displayName: 'Tributary (native users)', type: 'NATIVE', secretFields: [], destinationFields: [] });
    const { properties } = native.configSchema;
    expect(Object.keys(properties).sort()).toEqual([
      'activationRequired',
      'mailTemplates',
      'otpSignIn',
      'passwordPolicy',
      'payloadSchema',
      'publicRegistration',
    ]);
    expect(properties.publicRegistration).toMatchObject({ type: 'boolean', default: false });
    expect(properties.passwordPolicy.properties.minLength).toMatchObject({ type: 'integer', minimum: 8 });
    expect(native.configSchema.additionalProperties).toBe(false);

    // A config filled in from the schema's own defaults, with what an admin changes.
    const defaults = Object.fromEntries(Object.entries(properties).flatMap(([key, p]: [string, any]) => ('default' in p ? [[key, p.default]] : [])));
    const config = { ...defaults, publicRegistration: true, passwordPolicy: { minLength: 12 }, payloadSchema: { type: 'object' } };
    const { createUserPool } = ok(await create({ name: 'Native from schema', type: 'NATIVE', source: 'native', config }));
    expect(createUserPool).toMatchObject({ type: 'NATIVE', source: 'native', config: { ...config, activationRequired: true, otpSignIn: false } });
    const tooShort = await create({ name: 'Native short', type: 'NATIVE', config: { ...config, passwordPolicy: { minLength: 4 } } });
    expect(tooShort.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.passwordPolicy.minLength' });
    // native is no plugin: it makes no EXTERNAL pool and has nothing to connect to.
    const external = await create({ name: 'Native as external', type: 'EXTERNAL', source: 'native', config: {} });
    expect(external.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.source' });
    const tested = ok(await server.gql(`mutation { testUserPoolConnection(id: "${createUserPool.id}") { ok message } }`)).testUserPoolConnection;
    expect(tested.ok).toBe(true);
  });
});

describe('user pools', () => {
  it('creates a pool, masks its secret and stores it encrypted', async () => {
    const { createUserPool } = ok(await create(externalPool('Directory A', { settings: { jitMigration: true } })));
    expect(createUserPool).toMatchObject({
      name: 'Directory A',
      type: 'EXTERNAL',
      source: 'test-directory',
      config: { baseUrl: 'https://directory.example', region: 'eu', apiKey: '********' },
      settings: { syncUserAttributes: false, jitMigration: true, tenantResolution: { mode: 'AUTO_CREATE', tenantId: null } },
      enabled: true,
    });
    const [row] = await server.sql<{ config: unknown; sealed_secrets: string }>('select config, sealed_secrets from user_pools where id = ?', [
      createUserPool.id,
    ]);
    expect(JSON.stringify(row!.config)).not.toContain(SECRET);
    expect(row!.sealed_secrets).toMatch(/^v1:/);
    expect(row!.sealed_secrets).not.toContain(SECRET);
  });

  it('never returns the secret: not in userPools, userPool, updates or the audit log', async () => {
    const { createUserPool } = ok(await create(externalPool('Directory B')));
    const everywhere = JSON.stringify([
      await server.gql(`{ userPools { ${POOL_FIELDS} } }`),
      await server.gql(`{ userPool(id: "${createUserPool.id}") { ${POOL_FIELDS} } }`),
      await server.gql(`mutation { updateUserPool(id: "${createUserPool.id}", input: { name: "Directory B2" }) { ${POOL_FIELDS} } }`),
      await server.sql('select * from audit_events'),
    ]);
    expect(everywhere).not.toContain(SECRET);
    expect(everywhere).toContain('********');
  });

  it('validates config against the plugin schema and names the field', async () => {
    const missing = await create({ ...externalPool('Bad 1'), config: { baseUrl: 'https://x.example', region: 'eu' } });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.apiKey' });
    const wrongEnum = await create({ ...externalPool('Bad 2'), config: { baseUrl: 'https://x.example', region: 'mars', apiKey: 'k' } });
    expect(wrongEnum.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.region' });
    const notUrl = await create({ ...externalPool('Bad 3'), config: { baseUrl: 'nope', region: 'eu', apiKey: 'k' } });
    expect(notUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.baseUrl' });
    const unknownSource = await create({ ...externalPool('Bad 4'), source: 'nonexistent' });
    expect(unknownSource.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.source' });
    const wrongType = await create({ ...externalPool('Bad 5'), type: 'IDP_FEDERATION' });
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.type' });
    expect(ok(await server.gql('{ userPools { name } }')).userPools.map((p: { name: string }) => p.name)).not.toContain('Bad 1');
  });

  it('refuses just-in-time migration for IdP federation pools, at creation and on update', async () => {
    const idp = {
      name: 'Corporate IdP',
      type: 'IDP_FEDERATION',
      source: 'test-idp',
      config: { issuer: 'https://idp.example', clientId: 'c', clientSecret: 's' },
    };
    const refused = await create({ ...idp, settings: { jitMigration: true } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.settings.jitMigration' });
    expect(refused.errors?.[0]?.message).toMatch(/IdP federation/);
    const { createUserPool } = ok(await create({ ...idp, settings: { syncUserAttributes: true } }));
    const update = await server.gql(`mutation { updateUserPool(id: "${createUserPool.id}", input: { settings: { jitMigration: true } }) { id } }`);
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.settings.jitMigration' });
    ok(await server.gql(`mutation { deleteUserPool(id: "${createUserPool.id}") }`));
  });

  it('checks the tenant resolution settings', async () => {
    const noTenant = await create(externalPool('Tenants 1', { settings: { tenantResolution: { mode: 'PREDEFINED' } } }));
    expect(noTenant.errors?.[0]?.extensions).toMatchObject({ field: 'input.settings.tenantResolution.tenantId' });
    const unknownTenant = await create(externalPool('Tenants 2', { settings: { tenantResolution: { mode: 'PREDEFINED', tenantId: 'ghost' } } }));
    expect(unknownTenant.errors?.[0]?.message).toMatch(/does not exist/);
    ok(await server.gql('mutation { createTenant(input: { id: "pooled", name: "Pooled" }) { id } }'));
    const { createUserPool } = ok(await create(externalPool('Tenants 3', { settings: { tenantResolution: { mode: 'PREDEFINED', tenantId: 'pooled' } } })));
    expect(createUserPool.settings.tenantResolution).toEqual({ mode: 'PREDEFINED', tenantId: 'pooled' });
    ok(await server.gql(`mutation { deleteUserPool(id: "${createUserPool.id}") }`));
  });

  it('keeps a masked secret on update and replaces it when a new one is sent', async () => {
    const { createUserPool: pool } = ok(await create(externalPool('Rotating')));
    const masked = ok(
      await server.gql(`mutation($c: JSONObject) { updateUserPool(id: "${pool.id}", input: { config: $c }) { config } }`, {
        c: { ...pool.config, region: 'us' },
      }),
    );
    expect(masked.updateUserPool.config).toMatchObject({ region: 'us', apiKey: '********' });
    expect(await secretsOf(pool.id)).toEqual({ apiKey: SECRET });
    ok(
      await server.gql(`mutation($c: JSONObject) { updateUserPool(id: "${pool.id}", input: { config: $c }) { config } }`, {
        c: { ...pool.config, apiKey: 'new-key' },
      }),
    );
    expect(await secretsOf(pool.id)).toEqual({ apiKey: 'new-key' });
    ok(await server.gql(`mutation { deleteUserPool(id: "${pool.id}") }`));
  });

  it('reorders pools: the new order is the sign-in order', async () => {
    const before = ok(await server.gql('{ userPools { id name position } }')).userPools as { id: string; position: number }[];
    expect(before.map((p) => p.position)).toEqual([...before.keys()].map((_, i) => before[i]!.position).sort((a, b) => a - b));
    const reversed = before.map((p) => p.id).reverse();
    const { reorderUserPools } = ok(await server.gql('mutation($ids: [ID!]!) { reorderUserPools(ids: $ids) { id position } }', { ids: reversed }));
    expect(reorderUserPools.map((p: { id: string }) => p.id)).toEqual(reversed);
    expect(reorderUserPools.map((p: { position: number }) => p.position)).toEqual(reversed.map((_, i) => i));
    expect(ok(await server.gql('{ userPools { id } }')).userPools.map((p: { id: string }) => p.id)).toEqual(reversed);
  });

  it('refuses a reorder that is not a permutation of all pools', async () => {
    const ids = (ok(await server.gql('{ userPools { id } }')).userPools as { id: string }[]).map((p) => p.id);
    for (const bad of [ids.slice(1), [...ids, ids[0]], [...ids.slice(1), '00000000-0000-7000-8000-000000000000']]) {
      const response = await server.gql('mutation($ids: [ID!]!) { reorderUserPools(ids: $ids) { id } }', { ids: bad });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
    }
    expect(ok(await server.gql('{ userPools { id } }')).userPools.map((p: { id: string }) => p.id)).toEqual(ids);
  });

  it('tests a pool connection through its plugin', async () => {
    const { createUserPool: good } = ok(await create(externalPool('Reachable')));
    expect(ok(await server.gql(`mutation { testUserPoolConnection(id: "${good.id}") { ok message } }`)).testUserPoolConnection).toEqual({
      ok: true,
      message: 'connected to https://directory.example in eu',
    });
    const { createUserPool: bad } = ok(
      await create({ ...externalPool('Unreachable'), config: { baseUrl: 'https://unreachable.example', region: 'eu', apiKey: SECRET } }),
    );
    const result = ok(await server.gql(`mutation { testUserPoolConnection(id: "${bad.id}") { ok message } }`)).testUserPoolConnection;
    expect(result.ok).toBe(false);
    expect(result.message).not.toContain(SECRET);
  });

  it('refuses to delete a pool that owns users, but not one whose users migrated', async () => {
    const { createUserPool: pool } = ok(await create(externalPool('Owner')));
    await server.sql(
      "insert into users (id, email, status, pool_id, external_id, profile, metadata, created_at, updated_at) values (gen_random_uuid(), 'owned@pool.test', 'ACTIVE', ?, 'ext-1', '{}', '{}', now(), now())",
      [pool.id],
    );
    const refused = await server.gql(`mutation { deleteUserPool(id: "${pool.id}") }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // After migration the user is local (pool null, migratedFrom set): the pool may go.
    await server.sql("update users set pool_id = null, migrated_from_id = ?, migrated_at = now() where email = 'owned@pool.test'", [pool.id]);
    expect(ok(await server.gql(`mutation { deleteUserPool(id: "${pool.id}") }`)).deleteUserPool).toBe(true);
  });

  it('answers NOT_FOUND for an unknown pool', async () => {
    expect((await server.gql('{ userPool(id: "00000000-0000-7000-8000-000000000000") { id } }')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

/** The pool's secrets as the service decrypts them (the admin API never shows them). */
async function secretsOf(id: string): Promise<Record<string, unknown>> {
  const [row] = await server.sql<{ sealed_secrets: string }>('select sealed_secrets from user_pools where id = ?', [id]);
  return openSecrets(row!.sealed_secrets, server.app.deps.box, id);
}
