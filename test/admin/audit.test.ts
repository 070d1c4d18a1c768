// The audit log is written where each Mutation field executes: however the operation is spelled, what
// ran is recorded with its real outcome, and what never ran is not recorded as `ok`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSource } from '../fixtures/test-sources.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ sources: [configSource] });
});
afterAll(() => server.close());

interface Event {
  action: string;
  target: string | null;
  outcome: string;
}
const eventsFor = (action: string, target?: string) =>
  server.sql<Event>(`select action, target, outcome from audit_events where action = ? ${target ? 'and target = ?' : ''} order by created_at, id`, [
    action,
    ...(target ? [target] : []),
  ]);

describe('mutations are audited however the operation is written', () => {
  it('audits a mutation inside an inline fragment', async () => {
    ok(await server.gql('mutation { ... on Mutation { createTenant(input: { id: "inline-frag", name: "Inline" }) { id } } }'));
    expect(await eventsFor('createTenant', 'inline-frag')).toEqual([{ action: 'createTenant', target: 'inline-frag', outcome: 'ok' }]);
  });

  it('audits a mutation inside a named fragment, and each field of a failing one with its own outcome', async () => {
    ok(await server.gql('mutation { ...Make } fragment Make on Mutation { createRole(input: { key: "frag-role", name: "Frag" }) { id } }'));
    const again = await server.gql('mutation { ...Make } fragment Make on Mutation { createRole(input: { key: "frag-role", name: "Frag" }) { id } }');
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await eventsFor('createRole')).map((event) => event.outcome)).toEqual(['ok', 'CONFLICT']);
  });

  it('writes no event for a mutation that @skip kept from running', async () => {
    const response = await server.gql('mutation { createTenant(input: { id: "skipped", name: "Skipped" }) @skip(if: true) { id } }');
    expect(response.status).toBe(200);
    expect(await server.sql("select id from tenants where id = 'skipped'")).toEqual([]);
    expect(await eventsFor('createTenant', 'skipped')).toEqual([]);
  });

  it('writes no ok for a mutation whose variables fail coercion', async () => {
    const response = await server.gql('mutation($input: CreateTenantInput!) { deleteTenant(id: "nobody") createTenant(input: $input) { id } }', {
      input: { id: 'coerced', name: 42 },
    });
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(
      await server.sql<Event>(
        "select action, target, outcome from audit_events where outcome = 'ok' and action in ('createTenant', 'deleteTenant') and target in ('coerced', 'nobody')",
      ),
    ).toEqual([]);
  });
});

describe('auditEvents', () => {
  const QUERY = `query($first: Int, $after: String, $filter: AuditEventFilterInput) {
    auditEvents(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } nodes { id actor action targetId outcome details createdAt } }
  }`;

  it('lists events newest first with filters and cursors, and no secret reaches an event', async () => {
    const secret = 'audit-query-secret-0123456789';
    // The database's clock stamps the events: take `since` from it.
    const dbNow = async () => new Date((await server.sql<{ now: string }>('select now() as now'))[0]!.now).toISOString();
    const since = await dbNow();
    const { createUserPool } = ok(
      await server.gql('mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }', {
        input: { name: 'Audited', type: 'EXTERNAL', source: 'test-directory', config: { baseUrl: 'https://a.example', region: 'eu', apiKey: secret } },
      }),
    );
    const refused = await server.gql('mutation($id: ID!, $c: JSONObject) { updateUserPool(id: $id, input: { config: $c }) { id } }', {
      id: createUserPool.id,
      c: { baseUrl: 'https://b.example', region: 'eu', apiKey: '********', [secret]: secret },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const rolesSince = await dbNow();
    for (const key of ['a1', 'a2', 'a3']) ok(await server.gql(`mutation { createRole(input: { key: "${key}", name: "${secret}" }) { id } }`));

    const forPool = ok(await server.gql(QUERY, { first: 10, filter: { targetId: createUserPool.id } })).auditEvents;
    expect(forPool.nodes.map((event: Event) => `${event.action}:${event.outcome}`)).toEqual(['updateUserPool:BAD_USER_INPUT', 'createUserPool:ok']);
    expect(forPool.nodes[0]).toMatchObject({ actor: 'admin-key:bootstrap', details: { field: 'input.config.apiKey' } });

    const failures = ok(await server.gql(QUERY, { first: 10, filter: { outcome: 'BAD_USER_INPUT', action: 'updateUserPool', since } })).auditEvents;
    expect(failures.totalCount).toBe(1);
    expect(ok(await server.gql(QUERY, { first: 10, filter: { actor: 'admin-key:someone-else' } })).auditEvents.totalCount).toBe(0);
    expect(ok(await server.gql(QUERY, { first: 10, filter: { since: new Date(Date.now() + 60_000).toISOString() } })).auditEvents.nodes).toEqual([]);

    const first = ok(await server.gql(QUERY, { first: 2, filter: { action: 'createRole', since: rolesSince } })).auditEvents;
    expect(first.totalCount).toBe(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = ok(await server.gql(QUERY, { first: 2, after: first.pageInfo.endCursor, filter: { action: 'createRole', since: rolesSince } })).auditEvents;
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const all = [...first.nodes, ...rest.nodes];
    expect(new Set(all.map((event: { id: string }) => event.id)).size).toBe(3);
    const times = all.map((event: { createdAt: string }) => Date.parse(event.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const everything = await server.sql('select * from audit_events');
    expect(JSON.stringify(everything)).not.toContain(secret);
    expect(JSON.stringify(ok(await server.gql(QUERY, { first: 200 })))).not.toContain(secret);
  });

  it('refuses a cursor it did not issue and needs an admin key', async () => {
    const bad = await server.gql(QUERY, { first: 2, after: Buffer.from('not-an-id').toString('base64url') });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect((await server.gql(QUERY, { first: 2 }, { key: null })).status).toBe(401);
  });
});
