import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf, poolsOf, signIn, verifyToken } from '../support/sign-in.js';

let server: TestServer;
let first: DirectoryPeer;
let second: DirectoryPeer;
let pools: ReturnType<typeof poolsOf>;

beforeAll(async () => {
  // A pool's circuit opens after five outages in a row (the default) and probes again 500 ms later.
  server = await startTestServer({ sources: [directorySource], env: { TRIBUTARY_BREAKER_HALF_OPEN_MS: '500' } });
  pools = poolsOf(server, directorySource.key);
  [first, second] = await Promise.all([startDirectoryPeer(), startDirectoryPeer()]);
  ok(await server.gql('mutation { createRole(input: { key: "editor", name: "Editor" }) { id } }'));
});
afterEach(async () => {
  await pools.cleanup();
  await Promise.all([first.reset(), second.reset()]);
});
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  await server.close();
});

const pool = (peer: DirectoryPeer, settings: Record<string, unknown>, config: Record<string, unknown> = {}) => pools.create(peer.config(config), settings);
const userRow = async (email: string) =>
  (
    await server.sql<Record<string, any>>(
      'select u.*, (select array_agg(r.key order by r.key) from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id) as roles from users u where email = ?',
      [email],
    )
  )[0];

describe('just-in-time migration', () => {
  it('creates the user on first sign-in, then never calls the source again, not even when it is down', async () => {
    const id = await pool(first, { jitMigration: true });
    first.addUser({ email: 'jit@legacy.test', password: 'legacy-pass-1', name: 'Jit', roles: ['editor'] });
    const response = await signIn(server, 'JIT@legacy.test', 'legacy-pass-1');
    expect(response.status).toBe(200);
    expect(await verifyToken(server, response.body.access_token)).toMatchObject({ pool: id, roles: ['editor'], email: 'jit@legacy.test' });
    const row = await userRow('jit@legacy.test');
    expect(row).toMatchObject({ pool_id: null, migrated_from_id: id, profile: { name: 'Jit', email_verified: true }, roles: ['editor'] });
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(row!.migrated_at).not.toBeNull();
    const calls = first.calls;
    await first.setMode('down');
    const again = await signIn(server, 'jit@legacy.test', 'legacy-pass-1');
    expect(again.status).toBe(200);
    expect(await verifyToken(server, again.body.access_token)).toMatchObject({ pool: 'local' });
    expect((await signIn(server, 'jit@legacy.test', 'wrong-password')).status).toBe(401);
    expect(first.calls).toBe(calls);
    // Irreversible: switching migration off does not give the user back to the pool.
    ok(await server.gql(`mutation { updateUserPool(id: "${id}", input: { settings: { jitMigration: false } }) { id } }`));
    expect((await userRow('jit@legacy.test'))!.pool_id).toBeNull();
    expect((await signIn(server, 'jit@legacy.test', 'legacy-pass-1')).status).toBe(200);
  });

  it('20 concurrent first sign-ins of one new user create exactly one user and all succeed', async () => {
    await pool(first, { jitMigration: true });
    first.addUser({ email: 'crowd@legacy.test', password: 'crowd-pass-1' });
    // From 20 addresses: one address may have only 5 attempts on an account in flight (throttling below).
    const node = await startTestServer({ sameDatabaseAs: server, sources: [directorySource], env: { TRIBUTARY_TRUST_PROXY: 'loopback' } });
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(node, 'crowd@legacy.test', 'crowd-pass-1', `198.51.100.${i + 1}`)));
      expect(results.map((result) => result.status)).toEqual(Array(20).fill(200));
    } finally {
      await node.close();
    }
    const [count] = await server.sql<{ n: number }>("select count(*)::int as n from users where email = 'crowd@legacy.test'");
    expect(count!.n).toBe(1);
  });
});

describe('attribute sync', () => {
  it('refreshes profile and roles from the source at every sign-in; the user stays with the pool', async () => {
    const id = await pool(first, { syncUserAttributes: true });
    first.addUser({ email: 'sync@legacy.test', password: 'sync-pass-1', name: 'Before' });
    expect((await signIn(server, 'sync@legacy.test', 'sync-pass-1')).status).toBe(200);
    expect(await userRow('sync@legacy.test')).toMatchObject({ pool_id: id, password_hash: null, profile: { name: 'Before' }, roles: null });
    first.updateUser('sync@legacy.test', { name: 'After', roles: ['editor', 'unknown-role'] });
    const response = await signIn(server, 'sync@legacy.test', 'sync-pass-1');
    expect(await verifyToken(server, response.body.access_token)).toMatchObject({ pool: id, roles: ['editor'] });
    expect(await userRow('sync@legacy.test')).toMatchObject({ profile: { name: 'After' }, roles: ['editor'] });
    const events = await auditOf(server, 'sync@legacy.test');
    expect(events.at(-1)!.details).toMatchObject({ synced: true, unknownRoles: ['unknown-role'] });
    // The password stays the source's: a changed password there is the one that works.
    first.updateUser('sync@legacy.test', { password: 'sync-pass-2' });
    expect((await signIn(server, 'sync@legacy.test', 'sync-pass-1')).status).toBe(401);
    expect((await signIn(server, 'sync@legacy.test', 'sync-pass-2')).status).toBe(200);
  });

  it('with neither setting, creates the user once and does not refresh them', async () => {
    await pool(first, {});
    first.addUser({ email: 'plain@legacy.test', password: 'plain-pass-1', name: 'First' });
    expect((await signIn(server, 'plain@legacy.test', 'plain-pass-1')).status).toBe(200);
    first.updateUser('plain@legacy.test', { name: 'Second' });
    expect((await signIn(server, 'plain@legacy.test', 'plain-pass-1')).status).toBe(200);
    expect((await userRow('plain@legacy.test'))!.profile.name).toBe('First');
  });
});

describe('tenants of new users', () => {
  it('FROM_ATTRIBUTE reads the source field and creates an unknown tenant; PREDEFINED and AUTO_CREATE', async () => {
    await pool(first, { tenantResolution: { mode: 'FROM_ATTRIBUTE' } }, { tenantIdFieldName: 'orgId' });
    first.addUser({ email: 'attr@legacy.test', password: 'attr-pass-1', attributes: { orgId: 'initech' } });
    const token = await verifyToken(server, (await signIn(server, 'attr@legacy.test', 'attr-pass-1')).body.access_token);
    expect(token.tenant_id).toBe('initech');
    expect(ok(await server.gql('{ tenant(id: "initech") { id } }')).tenant.id).toBe('initech');

    ok(await server.gql('mutation { createTenant(input: { id: "fixed", name: "Fixed" }) { id } }'));
    await pool(second, { tenantResolution: { mode: 'PREDEFINED', tenantId: 'fixed' } });
    second.addUser({ email: 'pre@legacy.test', password: 'pre-pass-1' });
    expect((await verifyToken(server, (await signIn(server, 'pre@legacy.test', 'pre-pass-1')).body.access_token)).tenant_id).toBe('fixed');
  });

  it('AUTO_CREATE makes a tenant per new user, and a mode change is not retroactive', async () => {
    const id = await pool(first, { tenantResolution: { mode: 'AUTO_CREATE' } });
    first.addUser({ email: 'auto1@legacy.test', password: 'auto-pass-1' });
    first.addUser({ email: 'auto2@legacy.test', password: 'auto-pass-2' });
    const t1 = (await verifyToken(server, (await signIn(server, 'auto1@legacy.test', 'auto-pass-1')).body.access_token)).tenant_id;
    const t2 = (await verifyToken(server, (await signIn(server, 'auto2@legacy.test', 'auto-pass-2')).body.access_token)).tenant_id;
    expect(t1).toBeTruthy();
    expect(t2).toBeTruthy();
    expect(t1).not.toBe(t2);
    ok(await server.gql('mutation { createTenant(input: { id: "later", name: "Later" }) { id } }'));
    ok(await server.gql(`mutation { updateUserPool(id: "${id}", input: { settings: { tenantResolution: { mode: PREDEFINED, tenantId: "later" } } }) { id } }`));
    expect((await verifyToken(server, (await signIn(server, 'auto1@legacy.test', 'auto-pass-1')).body.access_token)).tenant_id).toBe(t1);
  });
});

describe('pool order and failing sources', () => {
  it('tries pools in order; the first acceptance wins; reordering changes the winner', async () => {
    const a = await pool(first, {});
    const b = await pool(second, {});
    first.addUser({ email: 'both@legacy.test', password: 'pass-in-first' });
    second.addUser({ email: 'both@legacy.test', password: 'pass-in-second' });
    second.addUser({ email: 'onlysecond@legacy.test', password: 'pass-in-second' });
    expect((await verifyToken(server, (await signIn(server, 'onlysecond@legacy.test', 'pass-in-second')).body.access_token)).pool).toBe(b);
    ok(await server.gql('mutation($ids: [ID!]!) { reorderUserPools(ids: $ids) { id } }', { ids: [b, a] }));
    const winner = await signIn(server, 'both@legacy.test', 'pass-in-second');
    expect((await verifyToken(server, winner.body.access_token)).pool).toBe(b);
    // Once the user belongs to a pool, only that pool is asked.
    const callsBefore = first.calls;
    expect((await signIn(server, 'both@legacy.test', 'pass-in-first')).status).toBe(401);
    expect(first.calls).toBe(callsBefore);
  });

  it('skips a pool that is down, slow or answers garbage, records it, and signs in through the next', async () => {
    const down = await pool(first, { timeoutMs: 300 });
    const b = await pool(second, {});
    second.addUser({ email: 'next@legacy.test', password: 'next-pass-1' });
    for (const [mode, email] of [
      ['down', 'next@legacy.test'],
      ['slow', 'next@legacy.test'],
      ['garbage', 'next@legacy.test'],
    ] as const) {
      await server.sql('delete from users where email = ?', [email]);
      await first.setMode(mode, { delayMs: 2000 });
      const response = await signIn(server, email, 'next-pass-1');
      expect(response.status, mode).toBe(200);
      expect((await verifyToken(server, response.body.access_token)).pool).toBe(b);
      expect((await auditOf(server, email)).at(-1)!.details.skipped).toEqual([expect.objectContaining({ pool: down })]);
    }
  });

  it('a known user whose own source is down gets 503 source_unavailable, not invalid_credentials, and no lockout', async () => {
    const id = await pool(first, { syncUserAttributes: true, timeoutMs: 300 });
    first.addUser({ email: 'owned@legacy.test', password: 'owned-pass-1' });
    expect((await signIn(server, 'owned@legacy.test', 'owned-pass-1')).status).toBe(200);
    for (const mode of ['down', 'slow', 'error500', 'garbage', 'throttle'] as const) {
      await first.setMode(mode, { delayMs: 2000 });
      const response = await signIn(server, 'owned@legacy.test', 'owned-pass-1');
      expect(response.status, mode).toBe(503);
      expect(response.body.error).toBe('source_unavailable');
    }
    await first.setMode('up');
    // Five outages in a row opened the pool's circuit: 503 without asking the source, until a probe finds it back.
    const received = first.requests;
    expect((await signIn(server, 'owned@legacy.test', 'owned-pass-1')).status).toBe(503);
    expect(first.requests).toBe(received);
    await sleep(500);
    expect((await signIn(server, 'owned@legacy.test', 'owned-pass-1')).status).toBe(200);
    expect((await userRow('owned@legacy.test'))!.pool_id).toBe(id);
  });

  it('retries once a source that throttles with a short Retry-After, within the pool timeout', async () => {
    await pool(first, { timeoutMs: 5000 });
    first.addUser({ email: 'patient@legacy.test', password: 'patient-pass-1' });
    // Throttled once, then up: the retry after Retry-After gets the answer.
    await first.setMode('throttle', { retryAfterSeconds: 1, throttleFirst: 1 });
    const response = await signIn(server, 'patient@legacy.test', 'patient-pass-1');
    expect(response.status).toBe(200);
    expect(first.calls).toBe(2);
    // A Retry-After longer than the budget is not waited for: one call, and the user hears 503 before the pool's timeout.
    await first.setMode('throttle', { retryAfterSeconds: 60 });
    const budget = sleep(5000, 'waited', { ref: false });
    expect(await Promise.race([signIn(server, 'patient@legacy.test', 'patient-pass-1').then((answer) => answer.status), budget])).toBe(503);
    expect(first.calls).toBe(3);
  });

  it('an unknown user while the only source is down gets 503, and the user is not created', async () => {
    await pool(first, {});
    await first.setMode('down');
    expect((await signIn(server, 'ghost@legacy.test', 'ghost-pass-1')).status).toBe(503);
    expect(await userRow('ghost@legacy.test')).toBeUndefined();
  });

  it('a source that answers two emails with one id: the second is skipped as garbage (503), never a 500, and not stored', async () => {
    await pool(first, {});
    first.addUser({ email: 'one@legacy.test', password: 'same-id-pass-1', id: 'shared-id' });
    first.addUser({ email: 'two@legacy.test', password: 'same-id-pass-2', id: 'shared-id' });
    expect((await signIn(server, 'one@legacy.test', 'same-id-pass-1')).status).toBe(200);
    const second = await signIn(server, 'two@legacy.test', 'same-id-pass-2');
    expect(second.status).toBe(503);
    expect(second.body.error).toBe('source_unavailable');
    expect(await userRow('two@legacy.test')).toBeUndefined();
    expect((await auditOf(server, 'two@legacy.test')).at(-1)!.details).toMatchObject({ skipped: [{ code: 'BAD_RESPONSE' }] });
  });

  it('a user the source reports disabled is refused like a wrong password, with the reason in the audit log', async () => {
    await pool(first, {});
    first.addUser({ email: 'disabled@legacy.test', password: 'disabled-pass-1', disabled: true });
    const response = await signIn(server, 'disabled@legacy.test', 'disabled-pass-1');
    expect(response.status).toBe(401);
    expect((await auditOf(server, 'disabled@legacy.test')).at(-1)!.details).toMatchObject({ kind: 'refused' });
  });
});

describe('throttling', () => {
  it('blocks an account after repeated failures with 429 and Retry-After, across nodes, and not successes', async () => {
    ok(await server.gql('mutation { createUser(input: { email: "target@local.test", password: "target-pass-1" }) { id } }'));
    for (let i = 0; i < 3; i++) expect((await signIn(server, 'target@local.test', 'target-pass-1')).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await signIn(server, 'target@local.test', `wrong-${i}-password`)).status).toBe(401);
    const blocked = await signIn(server, 'target@local.test', 'target-pass-1');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const node = await startTestServer({ sameDatabaseAs: server, sources: [directorySource] });
    try {
      expect((await signIn(node, 'target@local.test', 'target-pass-1')).status).toBe(429);
    } finally {
      await node.close();
    }
    // A forged X-Forwarded-For does not buy a fresh address: no proxy is trusted by default.
    const forged = await fetch(`${server.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
      body: JSON.stringify({ email: 'target@local.test', password: 'target-pass-1' }),
    });
    expect(forged.status).toBe(429);
    // Other accounts from the same address still get in.
    ok(await server.gql('mutation { createUser(input: { email: "bystander@local.test", password: "bystander-1" }) { id } }'));
    expect((await signIn(server, 'bystander@local.test', 'bystander-1')).status).toBe(200);
  });

  it('a success clears the account’s failure counters, in the same write as its tokens, but not the address’s', async () => {
    ok(await server.gql('mutation { createUser(input: { email: "forgetful@local.test", password: "forgetful-1" }) { id } }'));
    const counters = () => server.sql<{ key: string; failures: number }>("select key, failures from sign_in_attempts where key like '%forgetful@local.test%'");
    const address = async () => (await server.sql<{ failures: number }>("select failures from sign_in_attempts where key like 'ip:%'"))[0]!.failures;
    for (let i = 0; i < 4; i++) expect((await signIn(server, 'forgetful@local.test', `wrong-${i}-password`)).status).toBe(401);
    expect((await counters()).map((row) => row.failures)).toEqual([4, 4]);
    const before = await address();
    expect((await signIn(server, 'forgetful@local.test', 'forgetful-1')).status).toBe(200);
    expect(await counters()).toEqual([]);
    expect(await address()).toBe(before);
    // Four more failures stay under the limit of five: the earlier four no longer count.
    for (let i = 0; i < 4; i++) expect((await signIn(server, 'forgetful@local.test', `again-${i}-password`)).status).toBe(401);
    expect((await signIn(server, 'forgetful@local.test', 'forgetful-1')).status).toBe(200);
  });
});
