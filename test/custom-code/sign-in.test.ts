import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf, poolsOf, signIn, verifyToken } from '../support/sign-in.js';
import { LEGACY_SCRIPT, legacyConfig } from './legacy-script.js';

let server: TestServer;
let peer: DirectoryPeer;
let pools: ReturnType<typeof poolsOf>;

beforeAll(async () => {
  server = await startTestServer();
  pools = poolsOf(server, 'custom-code');
  peer = await startDirectoryPeer();
  ok(await server.gql('mutation { createRole(input: { key: "editor", name: "Editor" }) { id } }'));
});
afterEach(async () => {
  await pools.cleanup();
  await peer.reset();
});
afterAll(async () => {
  await peer.close();
  await server.close();
});

const pool = (settings: Record<string, unknown>, config = legacyConfig(peer)) => pools.create(config, settings);
const testConnection = async (id: string) => ok(await server.gql(`mutation { testUserPoolConnection(id: "${id}") { ok message } }`)).testUserPoolConnection;
const userRow = async (email: string) => (await server.sql<Record<string, any>>('select * from users where email = ?', [email]))[0];

describe('a custom-code pool in the sign-in pipeline', () => {
  it('migrates just in time: the script is called once, then the user is local', async () => {
    const id = await pool({ jitMigration: true });
    peer.addUser({ email: 'jit@legacy.test', password: 'legacy-pass-1', name: 'Jit', roles: ['editor'] });
    const first = await signIn(server, 'jit@legacy.test', 'legacy-pass-1');
    expect(first.status).toBe(200);
    expect(await verifyToken(server, first.body.access_token)).toMatchObject({ pool: id, roles: ['editor'] });
    expect(await userRow('jit@legacy.test')).toMatchObject({ pool_id: null, migrated_from_id: id, profile: { name: 'Jit', email_verified: true } });
    await peer.setMode('down');
    const again = await signIn(server, 'jit@legacy.test', 'legacy-pass-1');
    expect(await verifyToken(server, again.body.access_token)).toMatchObject({ pool: 'local' });
  });

  it('syncs profile and roles at every sign-in, and resolves the tenant from what the script returns', async () => {
    const id = await pool({ syncUserAttributes: true, tenantResolution: { mode: 'FROM_ATTRIBUTE' } });
    peer.addUser({ email: 'sync@legacy.test', password: 'legacy-pass-1', name: 'Before', attributes: { orgId: 'globex' } });
    const first = await signIn(server, 'sync@legacy.test', 'legacy-pass-1');
    expect(await verifyToken(server, first.body.access_token)).toMatchObject({ pool: id, tenant_id: 'globex' });
    peer.updateUser('sync@legacy.test', { name: 'After', roles: ['editor'] });
    expect((await signIn(server, 'sync@legacy.test', 'legacy-pass-1')).status).toBe(200);
    expect(await userRow('sync@legacy.test')).toMatchObject({ pool_id: id, tenant_id: 'globex', profile: { name: 'After' } });
  });

  it('wrong password, unknown user and a disabled account all answer invalid_credentials', async () => {
    await pool({});
    peer.addUser({ email: 'kim@legacy.test', password: 'legacy-pass-1' });
    peer.addUser({ email: 'off@legacy.test', password: 'legacy-pass-1', disabled: true });
    expect((await signIn(server, 'kim@legacy.test', 'wrong-pass-1')).body).toEqual({ error: 'invalid_credentials', error_description: expect.any(String) });
    expect((await signIn(server, 'ghost@legacy.test', 'legacy-pass-1')).status).toBe(401);
    expect((await signIn(server, 'off@legacy.test', 'legacy-pass-1')).status).toBe(401);
    expect((await auditOf(server, 'off@legacy.test')).at(-1)!.details.reason).toMatch(/disabled in the legacy service/);
  });

  it('a service that is down or answers garbage is source_unavailable, never a wrong password; the secrets stay out', async () => {
    await pool({});
    peer.addUser({ email: 'kim@legacy.test', password: 'legacy-pass-1' });
    for (const [mode, options] of [
      ['down', {}],
      ['garbage', {}],
      ['error500', {}],
    ] as const) {
      await peer.setMode(mode, options);
      const response = await signIn(server, 'kim@legacy.test', 'legacy-pass-1');
      expect(response).toMatchObject({ status: 503, body: { error: 'source_unavailable' } });
    }
    const audit = JSON.stringify(await auditOf(server, 'kim@legacy.test'));
    expect(audit).toMatch(/HTTP 500/);
    expect(audit).not.toContain(peer.apiKey);
  });

  it('a script answering the wrong shape is source_unavailable (BAD_RESPONSE)', async () => {
    const code = LEGACY_SCRIPT.replace('return identity(body.user);\n}', 'return { externalId: 42.5, email: null };\n}');
    await pool({}, legacyConfig(peer, code));
    peer.addUser({ email: 'kim@legacy.test', password: 'legacy-pass-1' });
    expect((await signIn(server, 'kim@legacy.test', 'legacy-pass-1')).status).toBe(503);
    expect((await auditOf(server, 'kim@legacy.test')).at(-1)!.details.skipped[0]).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('where a custom-code script may connect', () => {
  it('refuses an allowed name that resolves to loopback unless the address itself is listed', async () => {
    const { port } = new URL(peer.url);
    const byName = { ...legacyConfig(peer), allowedHosts: [`localhost:${port}`], env: { USERS_URL: `http://localhost:${port}`, API_KEY: peer.apiKey } };
    const fenced = await pool({}, byName);
    peer.addUser({ email: 'kim@legacy.test', password: 'legacy-pass-1' });
    expect(await signIn(server, 'kim@legacy.test', 'legacy-pass-1')).toMatchObject({ status: 503, body: { error: 'source_unavailable' } });
    expect((await auditOf(server, 'kim@legacy.test')).at(-1)!.details.skipped[0].reason).toMatch(/resolves to a loopback, link-local or private address/);
    expect(peer.requests).toBe(0);

    await pools.remove(fenced);
    await pool({}, { ...byName, allowedHosts: [`localhost:${port}`, `127.0.0.1:${port}`] });
    expect((await signIn(server, 'kim@legacy.test', 'legacy-pass-1')).status).toBe(200);
    expect(peer.requests).toBeGreaterThan(0);
  });
});

describe('admin view of a custom-code pool', () => {
  it('keeps env write-only, tests the connection through the script, and masks secrets the script prints', async () => {
    const id = await pool({});
    const { userPool } = ok(await server.gql(`{ userPool(id: "${id}") { config } }`));
    expect(userPool.config).toMatchObject({ env: '********', allowedHosts: [new URL(peer.url).host] });
    expect(await testConnection(id)).toMatchObject({ ok: true, message: expect.stringContaining('getUser answered') });

    const leaky = await pool(
      {},
      legacyConfig(peer, 'export const authenticate = async () => null;\nexport const getUser = async () => { throw new Error("key=" + env.API_KEY); };'),
    );
    const result = await testConnection(leaky);
    expect(result).toMatchObject({ ok: false, message: expect.stringContaining('key=********') });
    expect(JSON.stringify(result)).not.toContain(peer.apiKey);
  });

  it('reports code that does not compile with its line, and a fetch to a host that is not allowed', async () => {
    const broken = await pool({}, legacyConfig(peer, 'export async function authenticate() {\n  return (;\n}'));
    expect(await testConnection(broken)).toMatchObject({ ok: false, message: expect.stringMatching(/INVALID_CONFIG: code: syntax error \(line 2\)/) });
    peer.addUser({ email: 'kim@legacy.test', password: 'legacy-pass-1' });
    expect((await signIn(server, 'kim@legacy.test', 'legacy-pass-1')).status).toBe(503);

    await pools.remove(broken);
    const fenced = await pool({}, { ...legacyConfig(peer), allowedHosts: ['users.example.com'] });
    expect(await testConnection(fenced)).toMatchObject({ ok: false, message: expect.stringMatching(/denied.*not in this script's allowed hosts/) });
  });
});
