import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QUEUES } from '@tributary/core';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { addPeerUsers, createDirectoryPool, finished, job, run, startJob } from './support.js';

let server: TestServer;
let peer: DirectoryPeer;
let pools = 0;
beforeAll(async () => {
  peer = await startDirectoryPeer();
  server = await startTestServer({ sources: [directorySource], env: { TRIBUTARY_PURGE_INTERVAL_MINUTES: '0' } });
  ok(await server.gql('mutation { createRole(input: { key: "admin", name: "Admin" }) { id } }'));
  ok(await server.gql('mutation { createTenant(input: { id: "acme", name: "Acme" }) { id } }'));
});
afterAll(async () => {
  await server.close();
  await peer.close();
});
beforeEach(() => peer.reset());

const pool = (settings: Record<string, unknown> = {}) => createDirectoryPool(server, peer, `directory ${++pools}`, settings);

async function poolUsers(poolId: string): Promise<any[]> {
  const rows = await server.sql<any>(
    `select u.email, u.status, u.tenant_id, u.profile, u.external_id, coalesce((select array_agg(r.key) from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id), '{}') as roles
     from users u where u.pool_id = ? order by u.email`,
    [poolId],
  );
  return rows;
}

describe('importUsers', () => {
  it('imports every page of the source: profile, tenant of new users, roles by key, disabled status; importing again changes nothing', async () => {
    addPeerUsers(peer, 230, 'bulk');
    peer.updateUser('bulk1@source.test', { roles: ['admin', 'no-such-role'], disabled: true });
    const poolId = await pool({ tenantResolution: { mode: 'PREDEFINED', tenantId: 'acme' } });

    const done = await run(server, 'importUsers', poolId);
    expect(done).toMatchObject({ kind: 'IMPORT', dryRun: false, pool: { id: poolId }, error: null });
    expect(done.progress).toEqual({ seen: 230, created: 230, updated: 0, unchanged: 0, disabled: 0, deleted: 0, conflicts: 0, failed: 0 });
    expect(done.report.unknownRoles).toEqual(['no-such-role']);
    expect(done.report.created).toHaveLength(20);
    expect(peer.listCalls).toBe(3);

    const users = await poolUsers(poolId);
    expect(users).toHaveLength(230);
    const one = users.find((user) => user.email === 'bulk1@source.test');
    expect(one).toMatchObject({ status: 'DISABLED', tenant_id: 'acme', roles: ['admin'], external_id: peer.getUser('bulk1@source.test')!.id });
    expect(one.profile).toEqual({ name: 'User 1', email_verified: true });
    expect(users.filter((user) => user.status === 'ACTIVE')).toHaveLength(229);

    const again = await run(server, 'importUsers', poolId);
    expect(again.progress).toMatchObject({ seen: 230, created: 0, updated: 0, unchanged: 230, conflicts: 0 });
    expect(await poolUsers(poolId)).toHaveLength(230);
  });

  it('never overwrites a user who already has the email (native, or of another pool): a conflict, listed in the report', async () => {
    ok(await server.gql('mutation { createUser(input: { email: "taken@source.test", password: "native-password-1" }) { id } }'));
    peer.addUser({ email: 'Taken@Source.test', password: 'whatever-long', name: 'Impostor' });
    addPeerUsers(peer, 3, 'free');
    const poolId = await pool();

    const done = await run(server, 'importUsers', poolId);
    expect(done.progress).toMatchObject({ seen: 4, created: 3, conflicts: 1 });
    expect(done.report.conflicts).toEqual([expect.objectContaining({ email: 'taken@source.test', externalId: peer.getUser('taken@source.test')!.id })]);
    const [native] = await server.sql<any>(`select pool_id, profile, password_hash is not null as has_password from users where email = 'taken@source.test'`);
    expect(native).toEqual({ pool_id: null, profile: {}, has_password: true });

    // Another pool whose source has the same people: they belong to the first pool, so they are conflicts too.
    const other = await pool();
    const second = await run(server, 'importUsers', other);
    expect(second.progress).toMatchObject({ created: 0, conflicts: 4 });
  });

  it('gives each new user a tenant of their own under AUTO_CREATE, and FROM_ATTRIBUTE creates the named tenant', async () => {
    addPeerUsers(peer, 2, 'auto');
    const auto = await pool({ tenantResolution: { mode: 'AUTO_CREATE' } });
    await run(server, 'importUsers', auto);
    const tenants = (await poolUsers(auto)).map((user) => user.tenant_id);
    expect(new Set(tenants).size).toBe(2);
    expect(tenants.every(Boolean)).toBe(true);

    await peer.reset();
    peer.addUser({ email: 'attr@source.test', password: 'pw-long-enough', attributes: { org: 'globex' } });
    const fromAttribute = await createDirectoryPool(
      server,
      { ...peer, config: () => peer.config({ tenantIdFieldName: 'org' }) } as DirectoryPeer,
      `directory ${++pools}`,
      {
        tenantResolution: { mode: 'FROM_ATTRIBUTE' },
      },
    );
    await run(server, 'importUsers', fromAttribute);
    expect((await poolUsers(fromAttribute))[0].tenant_id).toBe('globex');
    expect(await server.sql(`select id from tenants where id = 'globex'`)).toHaveLength(1);
  });

  it('a dry run changes nothing and reports what it would create', async () => {
    addPeerUsers(peer, 25, 'dry');
    const poolId = await pool();
    const done = await run(server, 'importUsers', poolId, true);
    expect(done).toMatchObject({ dryRun: true, progress: { seen: 25, created: 25 } });
    expect(done.report.created).toHaveLength(20);
    expect(done.report.created[0]).toEqual({ externalId: expect.any(String), email: expect.stringMatching(/^dry\d+@source\.test$/) });
    expect(await poolUsers(poolId)).toHaveLength(0);
    expect(await server.sql(`select 1 from tenants where name like 'dry%'`)).toHaveLength(0);
    // The real import after it (on the connection the dry run rolled back: its staging table went with it).
    expect((await run(server, 'importUsers', poolId)).progress).toMatchObject({ seen: 25, created: 25 });
    expect(await poolUsers(poolId)).toHaveLength(25);
  });

  it('runs one job per pool at a time: a second request is a CONFLICT naming the running one', async () => {
    addPeerUsers(peer, 150, 'one');
    await peer.setMode('slow', { delayMs: 300 });
    const poolId = await pool();
    const first = await startJob(server, 'importUsers', poolId);
    const second = await server.gql('mutation ($id: ID!) { syncUsers(input: { poolId: $id }) { id } }', { id: poolId });
    expect(second.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(second.errors?.[0]?.message).toContain(first.id);
    expect((await finished(server, first.id)).status).toBe('SUCCEEDED');
    await peer.setMode('up');
    await run(server, 'syncUsers', poolId);
  });

  it('counts a source user whose email or id would not fit the users table as failed, and imports the rest', async () => {
    addPeerUsers(peer, 3, 'fits');
    peer.addUser({ email: `${'x'.repeat(250)}@source.test`, password: 'pw-long-enough', name: 'Too long' });
    const poolId = await pool();
    const done = await run(server, 'importUsers', poolId);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.progress).toMatchObject({ seen: 4, created: 3, failed: 1 });
    expect(done.report.failed).toEqual([expect.objectContaining({ reason: 'the source gave an email or id longer than 255 characters' })]);
    expect(await poolUsers(poolId)).toHaveLength(3);
  });

  it('waits out the source throttling (Retry-After) instead of failing on the first 429', async () => {
    addPeerUsers(peer, 120, 'slowly');
    await peer.setMode('throttle', { retryAfterSeconds: 1, throttleFirst: 2 });
    const poolId = await pool();
    const done = await run(server, 'importUsers', poolId);
    expect(done.progress).toMatchObject({ seen: 120, created: 120 });
    expect(done.error).toBeNull();
  });

  it('cancelPoolJob stops a running import at its next batch and keeps what it committed', async () => {
    addPeerUsers(peer, 1000, 'cancel');
    await peer.setMode('slow', { delayMs: 400 });
    const poolId = await pool();
    const started = await startJob(server, 'importUsers', poolId);
    await expect.poll(async () => (await job(server, started.id)).progress.created, { timeout: 20_000 }).toBeGreaterThan(0);
    const cancelled = ok(await server.gql(`mutation ($id: ID!) { cancelPoolJob(id: $id) { status finishedAt } }`, { id: started.id })).cancelPoolJob;
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.finishedAt).not.toBeNull();
    const callsAtCancel = peer.listCalls;
    // The page in flight at the cancel is read, then rolled back with its checkpoint; no further page is asked for.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(peer.listCalls).toBeLessThanOrEqual(callsAtCancel + 1);
    const after = await job(server, started.id);
    expect(after.status).toBe('CANCELLED');
    expect(await poolUsers(poolId)).toHaveLength(after.progress.created);
    expect(after.progress.created).toBeLessThan(1000);

    const again = await server.gql(`mutation ($id: ID!) { cancelPoolJob(id: $id) { id } }`, { id: started.id });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await peer.setMode('up');
    const resumed = await run(server, 'importUsers', poolId);
    expect(resumed.progress).toMatchObject({ seen: 1000, created: 1000 - after.progress.created, unchanged: after.progress.created });
  });
});

describe('syncUsers', () => {
  async function syncedPool(onSourceDeletion: 'DISABLE' | 'DELETE' | 'KEEP'): Promise<string> {
    addPeerUsers(peer, 5, `sync-${onSourceDeletion.toLowerCase()}-`);
    const poolId = await pool({ sync: { onSourceDeletion } });
    await run(server, 'importUsers', poolId);
    return poolId;
  }
  const email = (mode: string, i: number) => `sync-${mode}-${i}@source.test`;

  it('updates changed users (with a diff in the report), disables users gone from the source (DISABLE), and re-enables one who reappears', async () => {
    const poolId = await syncedPool('DISABLE');
    peer.updateUser(email('disable', 0), { name: 'Renamed', roles: ['admin'] });
    const gone = peer.getUser(email('disable', 1))!;
    peer.removeUser(gone.email);

    const dry = await run(server, 'syncUsers', poolId, true);
    expect(dry.progress).toMatchObject({ seen: 4, updated: 1, unchanged: 3, disabled: 1 });
    expect(dry.report.updated).toEqual([
      {
        externalId: peer.getUser(email('disable', 0))!.id,
        email: email('disable', 0),
        changes: { 'profile.name': { from: 'User 0', to: 'Renamed' }, roles: { from: [], to: [expect.any(String)] } },
      },
    ]);
    expect(dry.report.disabled).toEqual([{ externalId: gone.id, email: gone.email }]);
    let users = await poolUsers(poolId);
    expect(users.find((user) => user.email === email('disable', 0)).profile.name).toBe('User 0');
    expect(users.every((user) => user.status === 'ACTIVE')).toBe(true);

    const done = await run(server, 'syncUsers', poolId);
    expect(done.progress).toMatchObject({ seen: 4, updated: 1, unchanged: 3, disabled: 1, deleted: 0 });
    users = await poolUsers(poolId);
    expect(users.find((user) => user.email === email('disable', 0))).toMatchObject({ profile: { name: 'Renamed' }, roles: ['admin'] });
    expect(users.find((user) => user.email === gone.email).status).toBe('DISABLED');

    peer.addUser(gone);
    const back = await run(server, 'syncUsers', poolId);
    expect(back.progress).toMatchObject({ seen: 5, updated: 1, disabled: 0 });
    expect(back.report.updated[0].changes).toEqual({ status: { from: 'DISABLED', to: 'ACTIVE' } });
    expect((await poolUsers(poolId)).find((user) => user.email === gone.email).status).toBe('ACTIVE');
  });

  it('deletes users gone from the source under DELETE (a dry run only reports them)', async () => {
    const poolId = await syncedPool('DELETE');
    const gone = peer.getUser(email('delete', 2))!;
    peer.removeUser(gone.email);
    const dry = await run(server, 'syncUsers', poolId, true);
    expect(dry.report.deleted).toEqual([{ externalId: gone.id, email: gone.email }]);
    expect(await poolUsers(poolId)).toHaveLength(5);
    const done = await run(server, 'syncUsers', poolId);
    expect(done.progress).toMatchObject({ seen: 4, deleted: 1, disabled: 0 });
    expect((await poolUsers(poolId)).map((user) => user.email)).not.toContain(gone.email);
  });

  it('keeps users gone from the source as they are under KEEP', async () => {
    const poolId = await syncedPool('KEEP');
    peer.removeUser(email('keep', 3));
    const done = await run(server, 'syncUsers', poolId);
    expect(done.progress).toMatchObject({ seen: 4, deleted: 0, disabled: 0, unchanged: 4 });
    expect((await poolUsers(poolId)).find((user) => user.email === email('keep', 3)).status).toBe('ACTIVE');
  });

  it('runs by itself when settings.sync.intervalMinutes is due (the minute tick enqueues it)', async () => {
    addPeerUsers(peer, 2, 'scheduled');
    const poolId = await pool({ sync: { intervalMinutes: 60 } });
    // What pg-boss's scheduler sends every minute.
    await server.app.deps.jobs.boss.send(QUEUES.tick, {});
    let scheduled: any;
    await expect
      .poll(
        async () => {
          scheduled = ok(
            await server.gql(`query ($id: ID!) { poolJobs(first: 5, filter: { poolId: $id, kind: SYNC }) { totalCount nodes { id } } }`, { id: poolId }),
          ).poolJobs;
          return scheduled.totalCount;
        },
        { timeout: 20_000 },
      )
      .toBe(1);
    expect((await finished(server, scheduled.nodes[0].id)).progress).toMatchObject({ created: 2 });
  });
});

describe('pool settings, jobs list, health and stats', () => {
  it('validates sync settings with the others', async () => {
    const bad = await server.gql(
      `mutation { createUserPool(input: { name: "bad sync", type: EXTERNAL, source: "legacy-directory", config: { baseUrl: "http://127.0.0.1:9", apiKey: "k" }, settings: { sync: { intervalMinutes: -1 } } }) { id } }`,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.settings.sync.intervalMinutes' });
    const idp = await server.gql(
      `mutation { createUserPool(input: { name: "idp sync", type: IDP_FEDERATION, source: "oidc", config: {}, settings: { sync: { intervalMinutes: 5 } } }) { id } }`,
    );
    expect(idp.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const poolId = await pool({ sync: { intervalMinutes: 30, onSourceDeletion: 'DELETE' } });
    const read = ok(await server.gql(`query ($id: ID!) { userPool(id: $id) { settings { sync { intervalMinutes onSourceDeletion } } } }`, { id: poolId }));
    expect(read.userPool.settings.sync).toEqual({ intervalMinutes: 30, onSourceDeletion: 'DELETE' });
    const defaults = ok(
      await server.gql(`query ($id: ID!) { userPool(id: $id) { settings { sync { intervalMinutes onSourceDeletion } } } }`, { id: await pool() }),
    );
    expect(defaults.userPool.settings.sync).toEqual({ intervalMinutes: 0, onSourceDeletion: 'DISABLE' });
  });

  it('lists jobs newest first with filters, and shows each pool its health and stats', async () => {
    addPeerUsers(peer, 3, 'stats');
    const poolId = await pool();
    const before = ok(
      await server.gql(`query ($id: ID!) { userPool(id: $id) { health { status checkedAt } stats { users imported lastImportAt } } }`, { id: poolId }),
    );
    expect(before.userPool).toEqual({ health: { status: 'UNKNOWN', checkedAt: null }, stats: { users: 0, imported: 0, lastImportAt: null } });
    const imported = await run(server, 'importUsers', poolId);
    const synced = await run(server, 'syncUsers', poolId, true);

    const list = ok(
      await server.gql(`query ($id: ID!) { poolJobs(first: 1, filter: { poolId: $id }) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`, {
        id: poolId,
      }),
    ).poolJobs;
    expect(list).toMatchObject({ totalCount: 2, nodes: [{ id: synced.id }], pageInfo: { hasNextPage: true } });
    const next = ok(
      await server.gql(`query ($id: ID!, $after: String) { poolJobs(first: 1, after: $after, filter: { poolId: $id }) { nodes { id } } }`, {
        id: poolId,
        after: list.pageInfo.endCursor,
      }),
    ).poolJobs;
    expect(next.nodes).toEqual([{ id: imported.id }]);
    expect(
      ok(await server.gql(`query ($id: ID!) { poolJobs(filter: { poolId: $id, kind: IMPORT, status: SUCCEEDED }) { totalCount } }`, { id: poolId })).poolJobs
        .totalCount,
    ).toBe(1);

    const pools = ok(
      await server.gql(
        `{ userPools { id health { status message } stats { users migrated notMigrated imported signedInLast30Days lastImportAt lastSyncAt } } }`,
      ),
    ).userPools;
    const mine = pools.find((p: any) => p.id === poolId);
    expect(mine.health.status).toBe('UP');
    expect(mine.stats).toMatchObject({ users: 3, migrated: 0, notMigrated: 3, imported: 3, signedInLast30Days: 0, lastSyncAt: null });
    expect(new Date(mine.stats.lastImportAt).getTime()).toBe(new Date(imported.finishedAt).getTime());

    // The periodic connection test: the directory goes down, the next tick says so.
    await peer.setMode('down');
    await server.app.deps.jobs.boss.send(QUEUES.tick, {});
    await expect
      .poll(async () => ok(await server.gql(`query ($id: ID!) { userPool(id: $id) { health { status message } } }`, { id: poolId })).userPool.health.status, {
        timeout: 20_000,
      })
      .toBe('DOWN');
  });
});

describe('a job pg-boss gave up on', () => {
  it('is FAILED at the next minute tick, with an error, and the pool takes a new job', async () => {
    await peer.setMode('down');
    const poolId = await pool();
    const started = await startJob(server, 'importUsers', poolId);
    // The first attempt fails against the stopped directory; pg-boss holds the retry for its backoff.
    await expect.poll(async () => (await job(server, started.id)).error, { timeout: 20_000 }).not.toBeNull();
    // What repeated node deaths leave: pg-boss out of retries (failed), our row still RUNNING from the last claim.
    await server.sql(`update pgboss.job set state = 'failed', completed_on = now() where id = ?`, [started.id]);
    await server.sql(`update pool_jobs set status = 'RUNNING' where id = ?`, [started.id]);
    const blocked = await server.gql(`mutation ($input: PoolJobInput!) { importUsers(input: $input) { id } }`, { input: { poolId, dryRun: false } });
    expect(blocked.errors?.[0]?.message).toMatch(/already has a job/);

    await server.app.deps.jobs.boss.send(QUEUES.tick, {});
    const failed = await finished(server, started.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/gave up after its last attempt/);
    expect(failed.finishedAt).not.toBeNull();

    await peer.setMode('up');
    addPeerUsers(peer, 2, 'after-failure');
    const next = await run(server, 'importUsers', poolId);
    expect(next.progress).toMatchObject({ seen: 2, created: 2 });
  });
});

describe('a RUNNING job with no live pg-boss job', () => {
  it('is FAILED at the next minute tick when pg-boss retention deleted its queue entry; one still queued at pg-boss is left running', async () => {
    addPeerUsers(peer, 2, 'orphan');
    const poolId = await pool();
    const orphan = await run(server, 'importUsers', poolId);
    // What retention leaves of a job whose row stayed RUNNING (its node died, or its settle never committed): no queue entry at all.
    await server.sql(`delete from pgboss.job where id = ?`, [orphan.id]);
    await server.sql(`update pool_jobs set status = 'RUNNING', finished_at = null, updated_at = now() - interval '15 minutes' where id = ?`, [orphan.id]);
    const blocked = await server.gql(`mutation ($input: PoolJobInput!) { importUsers(input: $input) { id } }`, { input: { poolId, dryRun: false } });
    expect(blocked.errors?.[0]?.message).toMatch(/already has a job/);

    // Another pool's job, just as quiet, whose pg-boss job is still waiting for a worker: it is alive, and stays.
    const livePool = await pool();
    const live = await run(server, 'importUsers', livePool);
    await server.sql(`update pgboss.job set state = 'created', start_after = now() + interval '1 hour' where id = ?`, [live.id]);
    await server.sql(`update pool_jobs set status = 'RUNNING', finished_at = null, updated_at = now() - interval '15 minutes' where id = ?`, [live.id]);

    await server.app.deps.jobs.boss.send(QUEUES.tick, {});
    const failed = await finished(server, orphan.id);
    expect(failed).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/no node runs it any more/) });
    expect(failed.finishedAt).not.toBeNull();
    expect((await job(server, live.id)).status).toBe('RUNNING');
    ok(await server.gql('mutation ($id: ID!) { cancelPoolJob(id: $id) { id } }', { id: live.id }));

    const next = await run(server, 'importUsers', poolId);
    expect(next.progress).toMatchObject({ seen: 2, created: 0, unchanged: 2 });
  });
});
