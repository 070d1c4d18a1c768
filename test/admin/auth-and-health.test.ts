import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('admin authentication', () => {
  it('refuses an operation without a key: HTTP 401, UNAUTHENTICATED', async () => {
    const response = await server.gql('{ roles { key } }', {}, { key: null });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.data).toBeNull();
  });

  it('refuses a wrong key and a malformed header the same way', async () => {
    const wrong = await server.gql('{ roles { key } }', {}, { key: `${server.adminKey}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${server.adminKey}` },
      body: JSON.stringify({ query: '{ roles { key } }' }),
    });
    expect(response.status).toBe(401);
  });

  it('refuses mutations without a key and changes nothing', async () => {
    const response = await server.gql('mutation { createRole(input: { key: "x", name: "X" }) { id } }', {}, { key: null });
    expect(response.status).toBe(401);
    expect(ok(await server.gql('{ roles { key } }')).roles).toEqual([]);
  });

  it('accepts the bootstrap key and stores only its hash', async () => {
    expect(ok(await server.gql('{ roles { key } }')).roles).toEqual([]);
    const rows = await server.sql<{ name: string; key_hash: string; last_used_at: Date | null }>('select name, key_hash, last_used_at from admin_keys');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]!.key_hash).not.toContain(server.adminKey);
    expect(rows[0]!.last_used_at).not.toBeNull();
  });

  it('refuses a revoked key', async () => {
    const other = `trb_admin_${'a'.repeat(43)}`;
    const { createHash } = await import('node:crypto');
    await server.sql("insert into admin_keys (id, name, key_hash, created_at, revoked_at) values (gen_random_uuid(), 'old', ?, now(), now())", [
      createHash('sha256').update(other).digest('hex'),
    ]);
    expect((await server.gql('{ roles { key } }', {}, { key: other })).status).toBe(401);
  });
});

describe('request hardening', () => {
  it('refuses a body over the size limit with 413', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
      body: JSON.stringify({ query: `{ roles { key } }`, variables: { pad: 'x'.repeat(300_000) } }),
    });
    expect(response.status).toBe(413);
  });

  it('refuses a query deeper than the limit', async () => {
    const deep = '{ users(first: 1) { edges { node { tenant { id } roles { key } } } pageInfo { hasNextPage } } }';
    expect(ok(await server.gql(deep)).users).toBeTruthy();
    const tooDeep = `{ __schema { types { fields { type { ${'ofType { '.repeat(12)}name${' }'.repeat(12)} } } } } }`;
    const response = await server.gql(tooDeep);
    expect(response.errors?.[0]?.message).toMatch(/depth/i);
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses too many aliases', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: roles { key }`).join(' ');
    const response = await server.gql(`{ ${aliases} }`);
    expect(response.errors?.[0]?.message).toMatch(/alias/i);
  });

  it('answers malformed JSON with 400 and no stack trace', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
      body: '{"query": ',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('reports GraphQL syntax errors without stack traces', async () => {
    const response = await server.gql('{ roles { key ');
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(response.errors)).not.toContain('stacktrace');
  });
});
