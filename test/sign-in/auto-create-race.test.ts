// AUTO_CREATE under concurrent first sign-ins of one new user: one user and exactly one new tenant,
// not one tenant per racer (each racer used to create its tenant before losing the user's insert).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { poolsOf, signIn, verifyToken } from '../support/sign-in.js';

let server: TestServer;
let peer: DirectoryPeer;
beforeAll(async () => {
  server = await startTestServer({ sources: [directorySource], env: { TRIBUTARY_TRUST_PROXY: 'loopback' } });
  peer = await startDirectoryPeer();
});
afterAll(async () => {
  await peer.close();
  await server.close();
});

describe('AUTO_CREATE tenant resolution', () => {
  it('20 concurrent first sign-ins of one new user on two nodes leave 1 user and exactly 1 new tenant', async () => {
    await poolsOf(server, directorySource.key).create(peer.config({}), { tenantResolution: { mode: 'AUTO_CREATE' } });
    peer.addUser({ email: 'racer@legacy.test', password: 'racer-pass-1' });
    const node = await startTestServer({ sameDatabaseAs: server, sources: [directorySource], env: { TRIBUTARY_TRUST_PROXY: 'loopback' } });
    const tenantsBefore = (await server.sql<{ n: number }>('select count(*)::int as n from tenants'))[0]!.n;
    let results;
    try {
      // From 20 addresses, half through each node, so throttling by address does not cap the race.
      results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => signIn(i % 2 ? node : server, 'racer@legacy.test', 'racer-pass-1', `198.51.100.${i + 1}`)),
      );
    } finally {
      await node.close();
    }
    expect(results.map((result) => result.status)).toEqual(Array(20).fill(200));
    const users = await server.sql<{ tenant_id: string }>("select tenant_id from users where email = 'racer@legacy.test'");
    expect(users).toHaveLength(1);
    const tenants = await server.sql<{ id: string }>('select id from tenants');
    expect(tenants).toHaveLength(tenantsBefore + 1);
    expect(tenants.map((tenant) => tenant.id)).toContain(users[0]!.tenant_id);
    expect((await verifyToken(server, results[0]!.body.access_token)).tenant_id).toBe(users[0]!.tenant_id);
  });
});
