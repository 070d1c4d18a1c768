// Admin keys can be created (the key shown once), listed and revoked over GraphQL and the CLI; a revoked key stops at once on every
// node, the last key cannot be revoked, and an anonymous caller's body is never parsed.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
let server: TestServer;
let other: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  other = await startTestServer({ sameDatabaseAs: server });
});
afterAll(async () => {
  await other.close();
  await server.close();
});

const cli = (args: string[]) =>
  run('node', ['--no-node-snapshot', '--import', 'tsx', 'core/src/cli.ts', ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent' },
  });
const newKey = async (name: string) => (await cli(['admin-key', 'create', '--name', name])).stdout.trim();
const LIST = '{ adminKeys { id name createdAt lastUsedAt } }';
const revoke = (id: string, key?: string) => server.gql('mutation($id: ID!) { revokeAdminKey(id: $id) }', { id }, { key });

describe('admin keys over GraphQL', () => {
  it('lists keys without their hashes, and a revoked key stops working at once on every node', async () => {
    const key = await newKey('robot');
    expect(ok(await other.gql('{ roles { key } }', {}, { key })).roles).toEqual([]);
    const { adminKeys } = ok(await server.gql(LIST));
    expect(adminKeys.map((k: { name: string }) => k.name)).toEqual(['bootstrap', 'robot']);
    const robot = adminKeys.find((k: { name: string }) => k.name === 'robot');
    expect(robot.lastUsedAt).not.toBeNull();
    const [row] = await server.sql<{ key_hash: string }>("select key_hash from admin_keys where name = 'robot'");
    expect(JSON.stringify(adminKeys)).not.toContain(row!.key_hash);
    expect(ok(await revoke(robot.id)).revokeAdminKey).toBe(true);
    for (const node of [server, other]) expect((await node.gql('{ roles { key } }', {}, { key })).status).toBe(401);
    expect(ok(await server.gql(LIST)).adminKeys.map((k: { name: string }) => k.name)).toEqual(['bootstrap']);
    expect((await revoke(robot.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await revoke('not-a-uuid')).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });

  it('refuses to revoke the last key, even itself; a key may revoke itself while another remains', async () => {
    const bootstrap = ok(await server.gql(LIST)).adminKeys[0];
    expect((await revoke(bootstrap.id)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const key = await newKey('self-revoker');
    const mine = ok(await server.gql(LIST)).adminKeys.find((k: { name: string }) => k.name === 'self-revoker');
    expect(ok(await revoke(mine.id, key)).revokeAdminKey).toBe(true);
    expect((await server.gql('{ roles { key } }', {}, { key })).status).toBe(401);
  });

  it('two admins revoking the last two keys at once: one succeeds, the other is refused', async () => {
    const key = await newKey('racer');
    const keys = ok(await server.gql(LIST)).adminKeys as { id: string; name: string }[];
    const racer = keys.find((k) => k.name === 'racer')!;
    const bootstrap = keys.find((k) => k.name === 'bootstrap')!;
    const results = await Promise.all([
      revoke(racer.id, server.adminKey),
      other.gql('mutation($id: ID!) { revokeAdminKey(id: $id) }', { id: bootstrap.id }, { key }),
    ]);
    const codes = results.map((result) => result.errors?.[0]?.extensions?.code ?? 'ok').sort();
    // The loser is refused either at the lock (CONFLICT) or, when the winner committed first, at its own revoked key.
    expect(codes[1]).toBe('ok');
    expect(['CONFLICT', 'UNAUTHENTICATED']).toContain(codes[0]);
    expect(ok(await server.gql(LIST, {}, { key: results[0]!.errors ? key : server.adminKey })).adminKeys).toHaveLength(1);
    // Put the bootstrap key back for the tests that follow, whichever key survived.
    await server.sql('update admin_keys set revoked_at = null where name = ?', ['bootstrap']);
  });

  it('creates a key over GraphQL: it works as a Bearer on every node, is shown once, and never reaches the audit log', async () => {
    const CREATE = 'mutation($input: CreateAdminKeyInput!) { createAdminKey(input: $input) { key adminKey { id name createdAt lastUsedAt } } }';
    const { createAdminKey } = ok(await server.gql(CREATE, { input: { name: '  ci-bot  ' } }));
    expect(createAdminKey.adminKey).toMatchObject({ name: 'ci-bot', lastUsedAt: null });
    expect(createAdminKey.key).toMatch(/^\S{32,}$/);
    const { key, adminKey } = createAdminKey as { key: string; adminKey: { id: string } };
    for (const node of [server, other]) expect(ok(await node.gql('{ roles { key } }', {}, { key })).roles).toEqual([]);
    // Shown once: nothing else in the API or the database holds the key itself.
    const listed = ok(await server.gql(LIST, {}, { key })).adminKeys as { id: string; name: string; lastUsedAt: string | null }[];
    expect(listed.find((k) => k.id === adminKey.id)).toMatchObject({ name: 'ci-bot', lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(JSON.stringify(await server.sql('select * from admin_keys'))).not.toContain(key);
    // The audit event names the new key's id, never the key.
    const events = await server.sql<{ target: string | null; outcome: string }>("select * from audit_events where action = 'createAdminKey'");
    expect(events).toEqual([expect.objectContaining({ target: adminKey.id, outcome: 'ok' })]);
    expect(JSON.stringify(await server.sql('select * from audit_events'))).not.toContain(key);
    // The key the new one created signs its own creations as itself.
    const second = ok(await server.gql(CREATE, { input: { name: 'ci-bot-2' } }, { key })).createAdminKey as { key: string; adminKey: { id: string } };
    expect(second.key).not.toBe(key);
    const [byNew] = await server.sql<{ actor: string }>('select actor from audit_events where target = ?', [second.adminKey.id]);
    expect(byNew!.actor).toBe('admin-key:ci-bot');
    // A bad name is refused naming the field, and nothing is stored.
    const before = ok(await server.gql(LIST)).adminKeys.length;
    for (const name of ['', '   ', 'x'.repeat(101)]) {
      expect((await server.gql(CREATE, { input: { name } })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    }
    expect(ok(await server.gql(LIST)).adminKeys).toHaveLength(before);
    // Without a working key there is no way in: anonymous, or a revoked key.
    expect((await server.gql(CREATE, { input: { name: 'intruder' } }, { key: 'tk_not-a-real-key' })).status).toBe(401);
    expect(ok(await revoke(second.adminKey.id)).revokeAdminKey).toBe(true);
    expect((await server.gql(CREATE, { input: { name: 'intruder' } }, { key: second.key })).status).toBe(401);
    expect(await server.sql("select id from admin_keys where name = 'intruder'")).toEqual([]);
    expect(ok(await revoke(adminKey.id)).revokeAdminKey).toBe(true);
  });

  it('answers an anonymous 5 MB body with 401 before parsing it', async () => {
    const body = JSON.stringify({ query: '{ roles { key } }', padding: 'x'.repeat(5 * 1024 * 1024) });
    const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('pnpm tributary admin-key list / revoke', () => {
  it('lists the working keys and revokes one by name; the last one is refused', async () => {
    const key = await newKey('cli-robot');
    const listed = (await cli(['admin-key', 'list'])).stdout;
    expect(listed).toMatch(/\tcli-robot\t/);
    expect(listed).not.toContain('key_hash');
    expect((await cli(['admin-key', 'revoke', '--name', 'cli-robot'])).stdout).toContain('revoked admin key');
    expect((await server.gql('{ roles { key } }', {}, { key })).status).toBe(401);
    await expect(cli(['admin-key', 'revoke', '--name', 'cli-robot'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no working key') });
    await expect(cli(['admin-key', 'revoke'])).rejects.toMatchObject({ code: 2 });
    await server.sql("update admin_keys set revoked_at = now() where name <> 'bootstrap'");
    await expect(cli(['admin-key', 'revoke', '--name', 'bootstrap'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('last admin key') });
    // Seven cold CLI processes: on a loaded two-core machine each may take several seconds to start.
  }, 120_000);
});
