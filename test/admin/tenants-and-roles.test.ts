import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('tenants', () => {
  it('creates with a chosen id, reads, updates and deletes', async () => {
    const created = ok(await server.gql('mutation { createTenant(input: { id: "acme", name: "Acme", metadata: { plan: "gold" } }) { id name metadata } }'));
    expect(created.createTenant).toEqual({ id: 'acme', name: 'Acme', metadata: { plan: 'gold' } });
    expect(ok(await server.gql('{ tenant(id: "acme") { name } }')).tenant.name).toBe('Acme');
    const updated = ok(await server.gql('mutation { updateTenant(id: "acme", input: { name: "Acme Inc" }) { name metadata } }'));
    expect(updated.updateTenant).toEqual({ name: 'Acme Inc', metadata: { plan: 'gold' } });
    expect(ok(await server.gql('mutation { deleteTenant(id: "acme") }')).deleteTenant).toBe(true);
    expect((await server.gql('{ tenant(id: "acme") { name } }')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('generates an id when none is given', async () => {
    const { createTenant } = ok(await server.gql('mutation { createTenant(input: { name: "Generated" }) { id } }'));
    expect(createTenant.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('names the wrong field', async () => {
    const badId = await server.gql('mutation { createTenant(input: { id: "no spaces", name: "X" }) { id } }');
    expect(badId.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.id' });
    const emptyName = await server.gql('mutation($input: CreateTenantInput!) { createTenant(input: $input) { id } }', { input: { name: '   ' } });
    expect(emptyName.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
  });

  it('refuses a duplicate id with CONFLICT', async () => {
    ok(await server.gql('mutation { createTenant(input: { id: "dup", name: "A" }) { id } }'));
    const again = await server.gql('mutation { createTenant(input: { id: "dup", name: "B" }) { id } }');
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.id' });
  });

  it('refuses to delete a tenant that still has users', async () => {
    ok(await server.gql('mutation { createTenant(input: { id: "busy", name: "Busy" }) { id } }'));
    ok(await server.gql('mutation { createUser(input: { email: "member@busy.test", tenantId: "busy" }) { id } }'));
    expect((await server.gql('mutation { deleteTenant(id: "busy") }')).errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('pages tenants with a cursor and counts them', async () => {
    for (const id of ['page-a', 'page-b', 'page-c']) ok(await server.gql(`mutation { createTenant(input: { id: "${id}", name: "Page ${id}" }) { id } }`));
    const query =
      'query($after: String) { tenants(first: 2, after: $after, filter: { name: "Page" }) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }';
    const first = ok(await server.gql(query)).tenants;
    expect(first.totalCount).toBe(3);
    expect(first.nodes.map((t: { id: string }) => t.id)).toEqual(['page-a', 'page-b']);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await server.gql(query, { after: first.pageInfo.endCursor })).tenants;
    expect(second.nodes.map((t: { id: string }) => t.id)).toEqual(['page-c']);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a forged cursor and an out-of-range page size', async () => {
    expect((await server.gql('{ tenants(after: "%%%") { totalCount } }')).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect((await server.gql('{ tenants(first: 0) { totalCount } }')).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    // A huge page is refused before it runs, by the query cost limit.
    const huge = await server.gql('{ tenants(first: 100000) { totalCount } }');
    expect(huge.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(huge.errors?.[0]?.message).toMatch(/cost/i);
  });
});

describe('roles', () => {
  it('creates, lists and deletes roles', async () => {
    const { createRole } = ok(
      await server.gql('mutation { createRole(input: { key: "admin", name: "Administrator", description: "all" }) { id key name description } }'),
    );
    expect(createRole).toMatchObject({ key: 'admin', name: 'Administrator', description: 'all' });
    expect(ok(await server.gql('{ roles { key } }')).roles).toEqual([{ key: 'admin' }]);
    expect(ok(await server.gql(`mutation { deleteRole(id: "${createRole.id}") }`)).deleteRole).toBe(true);
    expect(ok(await server.gql('{ roles { key } }')).roles).toEqual([]);
  });

  it('keeps role keys unique', async () => {
    ok(await server.gql('mutation { createRole(input: { key: "viewer", name: "Viewer" }) { id } }'));
    const again = await server.gql('mutation { createRole(input: { key: "viewer", name: "Other" }) { id } }');
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.key' });
  });

  it('names the wrong field', async () => {
    const response = await server.gql('mutation { createRole(input: { key: "", name: "X" }) { id } }');
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.key' });
  });

  it('answers NOT_FOUND for an unknown role', async () => {
    expect((await server.gql('mutation { deleteRole(id: "00000000-0000-7000-8000-000000000000") }')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
