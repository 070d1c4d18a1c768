import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSource } from '../fixtures/test-sources.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let syncPool: string;
let plainPool: string;

const USER_FIELDS =
  'id email status tenant { id name } roles { key name } pool { id name } migratedFrom { id } profile metadata capabilities { password oneTimeCode sso sms editable } migratedAt lastSignInAt';
const createUser = (input: Record<string, unknown>) =>
  server.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`, { input });
const pool = async (name: string, syncUserAttributes: boolean): Promise<string> =>
  ok(
    await server.gql('mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }', {
      input: {
        name,
        type: 'EXTERNAL',
        source: 'test-directory',
        config: { baseUrl: 'https://d.example', region: 'eu', apiKey: 'k' },
        settings: { syncUserAttributes },
      },
    }),
  ).createUserPool.id;
/** A user an external pool owns, as sign-in would create it (sign-in is its own feature). */
const externalUser = async (email: string, poolId: string): Promise<string> => {
  const [row] = await server.sql<{ id: string }>(
    "insert into users (id, email, status, pool_id, external_id, profile, metadata, created_at, updated_at) values (gen_random_uuid(), ?, 'ACTIVE', ?, ?, '{\"name\":\"Ext\"}', '{}', now(), now()) returning id",
    [email, poolId, `ext-${email}`],
  );
  return row!.id;
};

beforeAll(async () => {
  server = await startTestServer({ sources: [configSource] });
  ok(await server.gql('mutation { createTenant(input: { id: "acme", name: "Acme" }) { id } }'));
  ok(await server.gql('mutation { createTenant(input: { id: "globex", name: "Globex" }) { id } }'));
  ok(await server.gql('mutation { createRole(input: { key: "admin", name: "Admin" }) { id } }'));
  ok(await server.gql('mutation { createRole(input: { key: "viewer", name: "Viewer" }) { id } }'));
  syncPool = await pool('Synced', true);
  plainPool = await pool('Not synced', false);
});
afterAll(() => server.close());

describe('creating users', () => {
  it('creates a local user with tenant, roles, profile and metadata; stores an argon2id hash', async () => {
    const { createUser: user } = ok(
      await createUser({
        email: '  Alice@Example.COM ',
        password: 'correct horse battery',
        tenantId: 'acme',
        roleKeys: ['admin', 'viewer'],
        profile: { name: 'Alice' },
        metadata: { plan: 'pro' },
      }),
    );
    expect(user).toMatchObject({
      email: 'alice@example.com',
      status: 'ACTIVE',
      tenant: { id: 'acme', name: 'Acme' },
      roles: [
        { key: 'admin', name: 'Admin' },
        { key: 'viewer', name: 'Viewer' },
      ],
      pool: null,
      profile: { name: 'Alice' },
      metadata: { plan: 'pro' },
      // Codes are a NATIVE pool's (its otpSignIn); no SMS is ever sent.
      capabilities: { password: true, oneTimeCode: false, sso: true, sms: false, editable: true },
    });
    const [row] = await server.sql<{ password_hash: string }>('select password_hash from users where id = ?', [user.id]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(ok(await server.gql(`{ user(id: "${user.id}") { ${USER_FIELDS} } }`)))).not.toContain('argon2');
  });

  it('names the wrong field', async () => {
    expect((await createUser({ email: 'not-an-email' })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
    expect((await createUser({ email: 'short@pw.test', password: 'short' })).errors?.[0]?.extensions).toMatchObject({ field: 'input.password' });
    expect((await createUser({ email: 'ghost@tenant.test', tenantId: 'ghost' })).errors?.[0]?.extensions).toMatchObject({ field: 'input.tenantId' });
    expect((await createUser({ email: 'ghost@role.test', roleKeys: ['ghost'] })).errors?.[0]?.extensions).toMatchObject({ field: 'input.roleKeys' });
    const big = await createUser({ email: 'big@meta.test', metadata: { blob: 'x'.repeat(20_000) } });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.metadata' });
    expect(ok(await server.gql('{ users(filter: { email: "ghost" }) { totalCount } }')).users.totalCount).toBe(0);
  });

  it('refuses a second user with the same email, whatever its case', async () => {
    ok(await createUser({ email: 'bob@example.com' }));
    const again = await createUser({ email: 'BOB@example.com' });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
  });

  it('two concurrent creates of one email make one user and one CONFLICT', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => createUser({ email: 'race@example.com', password: 'long enough pw' })));
    const created = results.filter((r) => r.data?.createUser);
    const conflicts = results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT');
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(7);
    const [row] = await server.sql<{ n: number }>("select count(*)::int as n from users where email = 'race@example.com'");
    expect(row!.n).toBe(1);
  });
});

describe('reading users', () => {
  it('finds a user by email, case-insensitively, and answers null for an unknown one', async () => {
    expect(ok(await server.gql('{ userByEmail(email: "ALICE@example.com") { email } }')).userByEmail).toEqual({ email: 'alice@example.com' });
    expect(ok(await server.gql('{ userByEmail(email: "nobody@example.com") { email } }')).userByEmail).toBeNull();
  });

  it('pages through users with cursors, without gaps or repeats, and counts them', async () => {
    for (let i = 0; i < 7; i++) ok(await createUser({ email: `pager${i}@page.test`, tenantId: 'globex', roleKeys: ['viewer'] }));
    const query =
      'query($after: String) { users(first: 3, after: $after, filter: { tenantId: "globex" }) { totalCount edges { cursor node { email roles { key } tenant { id } } } pageInfo { hasNextPage hasPreviousPage endCursor } } }';
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { users }: { users: any } = ok(await server.gql(query, { after }));
      expect(users.totalCount).toBe(7);
      expect(users.pageInfo.hasPreviousPage).toBe(after !== null);
      for (const edge of users.edges) {
        expect(edge.node.roles).toEqual([{ key: 'viewer' }]);
        expect(edge.node.tenant).toEqual({ id: 'globex' });
        seen.push(edge.node.email);
      }
      after = users.pageInfo.hasNextPage ? users.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `pager${i}@page.test`));
  });

  it('filters by email prefix, tenant, pool and status', async () => {
    const ext = await externalUser('external@pool.test', plainPool);
    ok(await createUser({ email: 'disabled@status.test', status: 'DISABLED' }));
    const emails = async (filter: string) =>
      (ok(await server.gql(`{ users(first: 50, filter: ${filter}) { totalCount nodes { email } } }`)).users.nodes as { email: string }[]).map((u) => u.email);
    expect(await emails('{ email: "PAGER1" }')).toEqual(['pager1@page.test']);
    expect(await emails('{ email: "pager_" }')).toEqual([]);
    expect(await emails(`{ poolId: "${plainPool}" }`)).toEqual(['external@pool.test']);
    expect(await emails('{ status: DISABLED }')).toEqual(['disabled@status.test']);
    expect((await emails('{ tenantId: "acme" }')).sort()).toEqual(['alice@example.com']);
    const { user } = ok(await server.gql(`{ user(id: "${ext}") { pool { id name } capabilities { oneTimeCode sso sms editable } } }`));
    expect(user).toEqual({ pool: { id: plainPool, name: 'Not synced' }, capabilities: { oneTimeCode: false, sso: false, sms: false, editable: true } });
  });
});

describe('updating and deleting users', () => {
  it('updates profile, metadata, tenant, roles and status', async () => {
    const { createUser: user } = ok(await createUser({ email: 'editable@example.com' }));
    const { updateUser } = ok(
      await server.gql(
        `mutation { updateUser(id: "${user.id}", input: { profile: { name: "Ed" }, metadata: { a: 1 }, tenantId: "acme", roleKeys: ["admin"], status: DISABLED }) { ${USER_FIELDS} } }`,
      ),
    );
    expect(updateUser).toMatchObject({ profile: { name: 'Ed' }, metadata: { a: 1 }, tenant: { id: 'acme' }, roles: [{ key: 'admin' }], status: 'DISABLED' });
    const removed = ok(await server.gql(`mutation { updateUser(id: "${user.id}", input: { tenantId: null, roleKeys: [] }) { tenant { id } roles { key } } }`));
    expect(removed.updateUser).toEqual({ tenant: null, roles: [] });
  });

  it('keeps users of a syncing pool read-only and names the pool', async () => {
    const id = await externalUser('synced@pool.test', syncPool);
    const refused = await server.gql(`mutation { updateUser(id: "${id}", input: { metadata: { x: 1 } }) { id } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toContain(syncPool);
    expect((await server.gql(`mutation { updateUser(id: "${id}", input: { profile: { name: "x" } }) { id } }`)).errors?.[0]?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    const { user } = ok(await server.gql(`{ user(id: "${id}") { profile metadata capabilities { editable } } }`));
    expect(user).toEqual({ profile: { name: 'Ext' }, metadata: {}, capabilities: { editable: false } });
    // With sync off the same user becomes editable.
    ok(await server.gql(`mutation { updateUserPool(id: "${syncPool}", input: { settings: { syncUserAttributes: false } }) { id } }`));
    expect(ok(await server.gql(`mutation { updateUser(id: "${id}", input: { metadata: { x: 1 } }) { metadata } }`)).updateUser.metadata).toEqual({ x: 1 });
  });

  it('deletes a user', async () => {
    const { createUser: user } = ok(await createUser({ email: 'leaving@example.com' }));
    expect(ok(await server.gql(`mutation { deleteUser(id: "${user.id}") }`)).deleteUser).toBe(true);
    expect(ok(await server.gql(`{ user(id: "${user.id}") { id } }`)).user).toBeNull();
    expect((await server.gql(`mutation { deleteUser(id: "${user.id}") }`)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('counting users', () => {
  it('counts exactly up to the limit and estimates past it, saying which', async () => {
    const { users } = ok(await server.gql('{ users(first: 1) { totalCount totalCountIsExact } }'));
    expect(users.totalCountIsExact).toBe(true);
    const { countUsers } = await import('../../core/src/users/user.repository.js');
    const em = server.app.database.orm.em.fork();
    expect(await countUsers(em, {}, 1000)).toEqual({ value: users.totalCount, exact: true });
    await server.sql('analyze users');
    const estimated = await countUsers(em, {}, 3);
    expect(estimated.exact).toBe(false);
    expect(estimated.value).toBeGreaterThan(3);
  });
});
