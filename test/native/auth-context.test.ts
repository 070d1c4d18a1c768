import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { poolsOf, refresh, signIn, verifyIdToken, verifyToken } from '../support/sign-in.js';

let server: TestServer;
let peer: DirectoryPeer;
let pools: ReturnType<typeof poolsOf>;

beforeAll(async () => {
  server = await startTestServer({ sources: [directorySource] });
  pools = poolsOf(server, directorySource.key);
  peer = await startDirectoryPeer();
  for (const key of ['viewer', 'editor']) ok(await server.gql(`mutation { createRole(input: { key: "${key}", name: "${key}" }) { id } }`));
  ok(await server.gql('mutation { createTenant(input: { id: "north", name: "North" }) { id } }'));
});
afterEach(async () => {
  await pools.cleanup();
  await peer.reset();
});
afterAll(async () => {
  await peer.close();
  await server.close();
});

const userId = async (email: string): Promise<string> => (await server.sql<{ id: string }>('select id from users where email = ?', [email]))[0]!.id;
const setRoles = async (id: string, roleKeys: string[]) =>
  ok(
    await server.gql('mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }', {
      id,
      input: { roleKeys, tenantId: 'north' },
    }),
  );

describe('authentication context', () => {
  it('a password sign-in says amr ["pwd"], and its tokens name their session (sid) across rotation', async () => {
    const poolId = await pools.create(peer.config());
    peer.addUser({ email: 'amr@dir.test', password: 'amr-pass-1', roles: ['viewer'] });
    const signedIn = await signIn(server, 'amr@dir.test', 'amr-pass-1');
    expect(signedIn.status).toBe(200);
    const access = await verifyToken(server, signedIn.body.access_token);
    expect(access).toMatchObject({ amr: ['pwd'], pool: poolId, roles: ['viewer'] });
    expect(access.sid).toMatch(/^[0-9a-f-]{36}$/);
    const refreshed = await refresh(server, signedIn.body.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(await verifyToken(server, refreshed.body.access_token)).toMatchObject({ amr: ['pwd'], sid: access.sid });
    const again = await signIn(server, 'amr@dir.test', 'amr-pass-1');
    expect((await verifyToken(server, again.body.access_token)).sid).not.toBe(access.sid);
  });

  it('reloadClaimsOnRefresh defaults to on and is refused unless a boolean', async () => {
    const poolId = await pools.create(peer.config());
    const { userPool } = ok(await server.gql(`{ userPool(id: "${poolId}") { settings { reloadClaimsOnRefresh } } }`));
    expect(userPool.settings.reloadClaimsOnRefresh).toBe(true);
    const wrong = await server.gql(`mutation { updateUserPool(id: "${poolId}", input: { settings: { reloadClaimsOnRefresh: "no" } }) { id } }`);
    expect(wrong.errors?.[0]?.message).toMatch(/Boolean/);
  });

  it('with reloadClaimsOnRefresh on, a role and tenant change made after the sign-in appears at the next refresh', async () => {
    await pools.create(peer.config(), { reloadClaimsOnRefresh: true });
    peer.addUser({ email: 'reload@dir.test', password: 'reload-pass-1', roles: ['viewer'], name: 'Re Load' });
    const signedIn = await signIn(server, 'reload@dir.test', 'reload-pass-1');
    expect(await verifyToken(server, signedIn.body.access_token)).toMatchObject({ roles: ['viewer'], tenant_id: expect.not.stringMatching('north') });
    await setRoles(await userId('reload@dir.test'), ['editor']);
    const refreshed = await refresh(server, signedIn.body.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(await verifyToken(server, refreshed.body.access_token)).toMatchObject({ roles: ['editor'], tenant_id: 'north', amr: ['pwd'] });
  });

  it('with reloadClaimsOnRefresh off, refreshed tokens keep the sign-in’s claims, along the whole family, until the next sign-in', async () => {
    const poolId = await pools.create(peer.config(), { reloadClaimsOnRefresh: false });
    peer.addUser({ email: 'keep@dir.test', password: 'keep-pass-1', roles: ['viewer'], name: 'Kept Name' });
    const signedIn = await signIn(server, 'keep@dir.test', 'keep-pass-1');
    const before = await verifyToken(server, signedIn.body.access_token);
    expect(before).toMatchObject({ roles: ['viewer'] });
    const id = await userId('keep@dir.test');
    await setRoles(id, ['editor']);
    await server.sql(`update users set profile = profile || '{"name": "Changed Name"}' where id = ?`, [id]);
    const first = await refresh(server, signedIn.body.refresh_token);
    expect(first.status).toBe(200);
    const second = await refresh(server, first.body.refresh_token);
    expect(second.status).toBe(200);
    const after = await verifyToken(server, second.body.access_token);
    expect(after).toMatchObject({ roles: ['viewer'], tenant_id: before.tenant_id, email: 'keep@dir.test', pool: poolId, amr: ['pwd'], sid: before.sid });
    expect(await verifyIdToken(server, second.body.id_token)).toMatchObject({ name: 'Kept Name', roles: ['viewer'] });
    // The status is still read: a disabled user's refresh fails whatever the setting.
    ok(await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { status: DISABLED }) { id } }', { id }));
    expect((await refresh(server, second.body.refresh_token)).body.error).toBe('invalid_grant');
    ok(await server.gql('mutation($id: ID!) { updateUser(id: $id, input: { status: ACTIVE }) { id } }', { id }));
    // Switched on later, the same family re-reads at its next refresh.
    ok(await server.gql(`mutation { updateUserPool(id: "${poolId}", input: { settings: { reloadClaimsOnRefresh: true } }) { id } }`));
    const reloaded = await refresh(server, second.body.refresh_token);
    expect(reloaded.status).toBe(200);
    expect(await verifyToken(server, reloaded.body.access_token)).toMatchObject({ roles: ['editor'], tenant_id: 'north' });
  });

  it('local users (no pool) always re-read at refresh', async () => {
    ok(
      await server.gql('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', {
        input: { email: 'local-ctx@here.test', password: 'local-pass-12', roleKeys: ['viewer'] },
      }),
    );
    const signedIn = await signIn(server, 'local-ctx@here.test', 'local-pass-12');
    expect(await verifyToken(server, signedIn.body.access_token)).toMatchObject({ roles: ['viewer'], pool: 'local', amr: ['pwd'] });
    await setRoles(await userId('local-ctx@here.test'), ['editor']);
    const refreshed = await refresh(server, signedIn.body.refresh_token);
    expect(await verifyToken(server, refreshed.body.access_token)).toMatchObject({ roles: ['editor'], tenant_id: 'north' });
  });
});
