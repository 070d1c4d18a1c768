import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QUEUES } from '@tributary/core';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { configSource } from '../fixtures/test-sources.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { createDirectoryPool, run } from '../jobs/support.js';
import { signIn } from '../support/sign-in.js';

let server: TestServer;
let peer: DirectoryPeer;
let pools = 0;
beforeAll(async () => {
  peer = await startDirectoryPeer();
  server = await startTestServer({ sources: [directorySource, configSource], env: { TRIBUTARY_PURGE_INTERVAL_MINUTES: '0' } });
  ok(await server.gql('mutation { createTenant(input: { id: "acme", name: "Acme" }) { id } }'));
});
afterAll(async () => {
  await server.close();
  await peer.close();
});
beforeEach(() => peer.reset());

// Synced attributes too: with write-back the admin may still edit them (the edit goes to the source).
const pool = (settings: Record<string, unknown> = { writeBack: true, syncUserAttributes: true }) =>
  createDirectoryPool(server, peer, `write-back ${++pools}`, settings);

const USER = `id externalId status profile tenant { id } writeBack { pending lastError }`;

async function user(id: string): Promise<any> {
  return ok(await server.gql(`query ($id: ID!) { user(id: $id) { ${USER} } }`, { id })).user;
}

async function update(id: string, input: Record<string, unknown>): Promise<any> {
  return ok(await server.gql(`mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER} } }`, { id, input })).updateUser;
}

async function delivered(id: string): Promise<any> {
  await expect.poll(async () => (await user(id)).writeBack, { timeout: 30_000, interval: 200 }).toEqual({ pending: false, lastError: null });
  return user(id);
}

async function createInPool(poolId: string, email: string): Promise<any> {
  return ok(
    await server.gql(`mutation ($input: CreateUserInput!) { createUser(input: $input) { ${USER} } }`, {
      input: { poolId, email, password: 'source-password-1', profile: { name: 'Ann' } },
    }),
  ).createUser;
}

describe('write-back to the source', () => {
  it('sends each admin action to the source, in order, each with its own idempotency key: create, update (profile, tenant), disable, enable, delete', async () => {
    const poolId = await pool();
    const created = await createInPool(poolId, 'ann@source.test');
    expect(created.writeBack).not.toBeNull();

    const afterCreate = await delivered(created.id);
    const atPeer = peer.getUser('ann@source.test')!;
    expect(atPeer).toMatchObject({ name: 'Ann', password: 'source-password-1', disabled: false });
    expect(afterCreate.externalId).toBe(atPeer.id);
    // The password lives at the source only: the outbox row no longer holds it, sealed or not.
    const [row] = await server.sql<any>(`select payload from write_back_outbox where user_id = ? and action = 'CREATE'`, [created.id]);
    expect(row.payload).not.toHaveProperty('password');
    expect(JSON.stringify(await server.sql(`select * from write_back_outbox`))).not.toContain('source-password-1');

    const edited = await update(created.id, { profile: { name: 'Ann B' }, tenantId: 'acme' });
    expect(edited).toMatchObject({ profile: { name: 'Ann B' }, tenant: { id: 'acme' } });
    await delivered(created.id);
    expect(peer.getUser('ann@source.test')).toMatchObject({ name: 'Ann B', tenantId: 'acme' });

    await update(created.id, { status: 'DISABLED' });
    await delivered(created.id);
    expect(peer.getUser('ann@source.test')!.disabled).toBe(true);
    await update(created.id, { status: 'ACTIVE' });
    await delivered(created.id);
    expect(peer.getUser('ann@source.test')!.disabled).toBe(false);

    ok(await server.gql(`mutation ($id: ID!) { deleteUser(id: $id) }`, { id: created.id }));
    await expect.poll(() => peer.getUser('ann@source.test'), { timeout: 30_000 }).toBeUndefined();

    expect(peer.writes.map((write) => write.action)).toEqual(['create', 'update', 'disable', 'enable', 'delete']);
    expect(peer.writes.every((write) => write.id === atPeer.id)).toBe(true);
    expect(new Set(peer.writes.map((write) => write.idempotencyKey)).size).toBe(5);
    expect(peer.writes.every((write) => typeof write.idempotencyKey === 'string')).toBe(true);
  });

  it(
    'a sync leaves changes still on their way alone: a pending create is not "gone from the source", a pending edit is not reverted',
    { timeout: 120_000 },
    async () => {
      peer.addUser({ email: 'old@source.test', password: 'pw-long-enough', name: 'Old' });
      const poolId = await pool({ writeBack: true, sync: { onSourceDeletion: 'DISABLE' } });
      await run(server, 'importUsers', poolId);
      const [old] = await server.sql<any>(`select id from users where email = 'old@source.test'`);

      await peer.setMode('read-only');
      const created = await createInPool(poolId, 'new@source.test');
      await update(old.id, { profile: { name: 'Admin name' } });
      await expect.poll(async () => (await user(created.id)).writeBack?.lastError, { timeout: 30_000 }).toMatch(/UNAVAILABLE/);
      peer.updateUser('old@source.test', { name: 'Source name' });

      await run(server, 'syncUsers', poolId);
      expect(await user(created.id)).toMatchObject({ status: 'ACTIVE', writeBack: { pending: true } });
      expect((await user(old.id)).profile).toEqual({ name: 'Admin name' });

      await peer.setMode('up');
      await server.app.deps.jobs.boss.send(QUEUES.tick, {});
      await delivered(created.id);
      await delivered(old.id);
      expect(peer.getUser('new@source.test')).toBeDefined();
      expect(peer.getUser('old@source.test')!.name).toBe('Admin name');
    },
  );

  it('a sign-in that syncs attributes does not revert an edit still on its way to the source', { timeout: 120_000 }, async () => {
    peer.addUser({ email: 'signs-in@source.test', password: 'pw-long-enough', name: 'Source name' });
    const poolId = await pool();
    await run(server, 'importUsers', poolId);
    const [row] = await server.sql<any>(`select id from users where email = 'signs-in@source.test'`);

    await peer.setMode('read-only');
    await update(row.id, { profile: { name: 'Admin name' } });
    await expect.poll(async () => (await user(row.id)).writeBack?.lastError, { timeout: 30_000 }).toMatch(/UNAVAILABLE/);
    expect((await signIn(server, 'signs-in@source.test', 'pw-long-enough')).status).toBe(200);
    expect((await user(row.id)).profile).toEqual({ name: 'Admin name' });

    await peer.setMode('up');
    await server.app.deps.jobs.boss.send(QUEUES.tick, {});
    await delivered(row.id);
    expect(peer.getUser('signs-in@source.test')!.name).toBe('Admin name');
  });

  it('is refused for a pool whose source cannot write, and for pools that are not EXTERNAL', async () => {
    const external = await server.gql(`mutation ($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }`, {
      input: {
        name: 'cannot write',
        type: 'EXTERNAL',
        source: 'test-directory',
        config: { baseUrl: 'https://dir.example', region: 'eu', apiKey: 'k' },
        settings: { writeBack: true },
      },
    });
    expect(external.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(external.errors?.[0]?.message).toMatch(/cannot write back: it has no createUser, updateUser, disableUser, enableUser, deleteUser/);
    const native = await server.gql(`mutation { createUserPool(input: { name: "native wb", type: NATIVE, settings: { writeBack: true } }) { id } }`);
    expect(native.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // Turned on later, on a pool that can: accepted.
    const poolId = await pool({});
    const updated = ok(
      await server.gql(`mutation ($id: ID!) { updateUserPool(id: $id, input: { settings: { writeBack: true } }) { settings { writeBack } } }`, { id: poolId }),
    );
    expect(updated.updateUserPool.settings.writeBack).toBe(true);
  });

  it('keeps users of a pool that does not write back as before: no create in the pool, synced attributes read-only, nothing sent', async () => {
    const poolId = await pool({ syncUserAttributes: true });
    const refused = await server.gql(`mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
      input: { poolId, email: 'nope@source.test', password: 'source-password-1' },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    peer.addUser({ email: 'synced@source.test', password: 'pw-long-enough', name: 'Synced' });
    await run(server, 'importUsers', poolId);
    const [row] = await server.sql<any>(`select id from users where email = 'synced@source.test'`);
    const forbidden = await server.gql(`mutation ($id: ID!) { updateUser(id: $id, input: { profile: { name: "X" } }) { id } }`, { id: row.id });
    expect(forbidden.errors?.[0]?.extensions?.code, JSON.stringify(forbidden)).toBe('FORBIDDEN');
    expect((await user(row.id)).writeBack).toBeNull();
    expect(peer.writes).toEqual([]);
  });

  it(
    'survives a stopped source: the changes wait (pending, with the last error), then arrive once each, in order, when it is back',
    { timeout: 120_000 },
    async () => {
      const poolId = await pool();
      const created = await createInPool(poolId, 'bob@source.test');
      await delivered(created.id);

      await peer.setMode('down');
      await update(created.id, { profile: { name: 'Bob while down' } });
      await update(created.id, { status: 'DISABLED' });
      await expect
        .poll(async () => (await user(created.id)).writeBack, { timeout: 30_000, interval: 500 })
        .toEqual({ pending: true, lastError: expect.stringMatching(/^UNAVAILABLE: the source (could not be reached|failed repeatedly)/) });
      // The local change stands meanwhile.
      expect(await user(created.id)).toMatchObject({ status: 'DISABLED', profile: { name: 'Bob while down' } });
      const listed = ok(
        await server.gql(`query ($poolId: ID!) { users(filter: { poolId: $poolId }) { nodes { id writeBack { pending } } } }`, { poolId }),
      ).users;
      expect(listed.nodes).toEqual([{ id: created.id, writeBack: { pending: true } }]);

      await peer.setMode('up');
      // The retry comes by itself with backoff; the minute tick (sent here) hands pending users to the queue at once.
      await server.app.deps.jobs.boss.send(QUEUES.tick, {});
      await delivered(created.id);
      expect(peer.getUser('bob@source.test')).toMatchObject({ name: 'Bob while down', disabled: true });
      expect(peer.writes.map((write) => write.action)).toEqual(['create', 'update', 'disable']);

      // A delivery whose acknowledgement was lost (the node died after the source answered) is sent again with the same key: not applied twice.
      await server.sql(`update write_back_outbox set delivered_at = null where user_id = ? and action = 'UPDATE'`, [created.id]);
      await update(created.id, { status: 'ACTIVE' });
      await delivered(created.id);
      expect(peer.writes.map((write) => write.action)).toEqual(['create', 'update', 'disable', 'enable']);
      expect(peer.getUser('bob@source.test')!.disabled).toBe(false);
    },
  );
});
