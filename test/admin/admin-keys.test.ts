// Admin keys can be listed and revoked over GraphQL and the CLI; a revoked key stops at once on every
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
