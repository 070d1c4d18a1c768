// Anonymous load on a custom-code pool: unknown-email sign-ins each cost one script call to a
// service that takes 200 ms. Calls of one script once ran one at a time, so fifteen of them made a
// real new user wait 3 s in the queue and get a 503 after the pool's 2 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { poolsOf, signIn } from '../support/sign-in.js';
import { legacyConfig } from './legacy-script.js';

let server: TestServer;
let peer: DirectoryPeer;
beforeAll(async () => {
  server = await startTestServer();
  peer = await startDirectoryPeer();
  await poolsOf(server, 'custom-code').create(legacyConfig(peer), { jitMigration: true, timeoutMs: 2000 });
});
afterAll(async () => {
  await peer.close();
  await server.close();
});

describe('a custom-code pool under concurrent unknown-email sign-ins', () => {
  it('still signs a real new user in, and answers the unknown ones invalid_credentials rather than 503', async () => {
    peer.addUser({ email: 'real@legacy.test', password: 'legacy-pass-1' });
    await peer.setMode('slow', { delayMs: 200 });
    const anonymous = Array.from({ length: 15 }, (_, n) => signIn(server, `nobody-${n}@legacy.test`, 'guess-pass-1'));
    // The real user arrives behind the burst, as they would.
    await sleep(50);
    const real = await signIn(server, 'real@legacy.test', 'legacy-pass-1');
    expect(real.status).toBe(200);
    const statuses = (await Promise.all(anonymous)).map((response) => response.status);
    expect(statuses).toEqual(Array.from({ length: 15 }, () => 401));
  });
});
