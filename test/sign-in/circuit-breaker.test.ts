import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf, poolsOf, signIn } from '../support/sign-in.js';

// A pool whose source hangs: each call costs its timeout until the pool's circuit opens after
// three outages; then nothing waits on it until a probe, after the half-open delay, finds it back.
const TIMEOUT_MS = 2000;
const HALF_OPEN_MS = 5000;

let server: TestServer;
let hanging: DirectoryPeer;
let healthy: DirectoryPeer;
let pools: ReturnType<typeof poolsOf>;
const circuit = async (id: string): Promise<string> =>
  ok(await server.gql('query($id: ID!) { userPool(id: $id) { health { circuit } } }', { id })).userPool.health.circuit;

beforeAll(async () => {
  server = await startTestServer({
    sources: [directorySource],
    env: { TRIBUTARY_BREAKER_FAILURES: '3', TRIBUTARY_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS) },
  });
  pools = poolsOf(server, directorySource.key);
  [hanging, healthy] = await Promise.all([startDirectoryPeer(), startDirectoryPeer()]);
});
afterAll(async () => {
  await pools.cleanup();
  await Promise.all([hanging.close(), healthy.close()]);
  await server.close();
});

describe('per-pool circuit breaker', () => {
  it('after repeated timeouts the pool is skipped without a call, its own users get 503 at once, and a probe closes it', async () => {
    const first = await pools.create(hanging.config(), { syncUserAttributes: true, timeoutMs: TIMEOUT_MS });
    await pools.create(healthy.config());
    hanging.addUser({ email: 'owned@breaker.test', password: 'owned-pass-1' });
    healthy.addUser({ email: 'newcomer@breaker.test', password: 'newcomer-pass-1' });
    expect((await signIn(server, 'owned@breaker.test', 'owned-pass-1')).status).toBe(200);
    expect(await circuit(first)).toBe('CLOSED');

    // The source now hangs far beyond the pool's timeout; three sign-ins wait it out and open the circuit.
    await hanging.setMode('slow', { delayMs: 60_000 });
    const outages = await Promise.all(Array.from({ length: 3 }, () => signIn(server, 'owned@breaker.test', 'owned-pass-1')));
    expect(outages.map((answer) => answer.status)).toEqual([503, 503, 503]);
    const received = hanging.requests;
    expect(await circuit(first)).toBe('OPEN');

    // Open: the pool's own user hears 503 without a call, and a new user signs in through the next
    // pool before the hanging pool's timeout could even have passed once.
    const owned = await signIn(server, 'owned@breaker.test', 'owned-pass-1');
    expect(owned.status).toBe(503);
    expect(owned.body.error).toBe('source_unavailable');
    const timeout = sleep(TIMEOUT_MS, 'timeout', { ref: false });
    const newcomer = signIn(server, 'newcomer@breaker.test', 'newcomer-pass-1');
    expect(await Promise.race([newcomer.then((answer) => answer.status), timeout])).toBe(200);
    expect(hanging.requests).toBe(received);
    expect((await auditOf(server, 'newcomer@breaker.test')).at(-1)!.details.skipped).toEqual([{ pool: first, code: 'CIRCUIT_OPEN', reason: 'circuit open' }]);
    expect((await auditOf(server, 'owned@breaker.test')).at(-1)!.details).toMatchObject({ pool: first, code: 'CIRCUIT_OPEN' });

    // The source recovers; after the half-open delay one probe goes through, and its success closes the circuit.
    await hanging.setMode('up');
    await sleep(HALF_OPEN_MS);
    expect((await signIn(server, 'owned@breaker.test', 'owned-pass-1')).status).toBe(200);
    expect(hanging.requests).toBe(received + 1);
    expect(await circuit(first)).toBe('CLOSED');
    expect((await signIn(server, 'owned@breaker.test', 'owned-pass-1')).status).toBe(200);
    expect(hanging.requests).toBe(received + 2);
  });

  it('wrong passwords never open the circuit', async () => {
    await pools.create(healthy.config(), { syncUserAttributes: true });
    healthy.addUser({ email: 'guessed@breaker.test', password: 'guessed-pass-1' });
    expect((await signIn(server, 'guessed@breaker.test', 'guessed-pass-1')).status).toBe(200);
    // Under the throttle's five failures per account and address: each one is a real answer from the source.
    for (let i = 0; i < 4; i++) expect((await signIn(server, 'guessed@breaker.test', `wrong-${i}-password`)).status).toBe(401);
    const received = healthy.requests;
    expect((await signIn(server, 'guessed@breaker.test', 'guessed-pass-1')).status).toBe(200);
    expect(healthy.requests).toBe(received + 1);
  });

  it("feeds sign-ins' source outcomes into the pool's health: DEGRADED, DOWN with the failures named, UP again after successes", async () => {
    const peer = await startDirectoryPeer();
    try {
      const id = await pools.create(peer.config(), { syncUserAttributes: true, timeoutMs: TIMEOUT_MS });
      peer.addUser({ email: 'watched@breaker.test', password: 'watched-pass-1' });
      const health = async () =>
        ok(await server.gql('query($id: ID!) { userPool(id: $id) { health { status message checkedAt circuit } } }', { id })).userPool.health as {
          status: string;
          message: string;
          checkedAt: string;
          circuit: string;
        };
      const before = await server.sql<{ health_status: string }>('select health_status from user_pools where id = ?', [id]);

      expect((await signIn(server, 'watched@breaker.test', 'watched-pass-1')).status).toBe(200);
      // A wrong password is the source answering: it keeps the pool UP.
      expect((await signIn(server, 'watched@breaker.test', 'wrong-password-1')).status).toBe(401);
      expect(await health()).toMatchObject({ status: 'UP', circuit: 'CLOSED' });

      // The source errors now: two sign-ins answer 503, under the breaker's three.
      await peer.setMode('error500');
      for (let i = 0; i < 2; i++) expect((await signIn(server, 'watched@breaker.test', 'watched-pass-1')).status).toBe(503);
      const degraded = await health();
      expect(degraded).toMatchObject({ status: 'DEGRADED', circuit: 'CLOSED' });
      expect(degraded.message).toMatch(/2 of the last 4 calls/);
      expect(degraded.message).toMatch(/UNAVAILABLE ×2|BAD_RESPONSE ×2/);

      // A third failure opens the circuit: DOWN, while nothing more is called.
      expect((await signIn(server, 'watched@breaker.test', 'watched-pass-1')).status).toBe(503);
      const down = await health();
      expect(down).toMatchObject({ status: 'DOWN', circuit: 'OPEN' });
      expect(down.message).toMatch(/stopped calling the source/);

      // Back: the probe and two more sign-ins succeed, and the pool is UP again though the failures are recent.
      await peer.setMode('up');
      await sleep(HALF_OPEN_MS);
      for (let i = 0; i < 3; i++) expect((await signIn(server, 'watched@breaker.test', 'watched-pass-1')).status).toBe(200);
      const up = await health();
      expect(up).toMatchObject({ status: 'UP', circuit: 'CLOSED' });
      expect(up.message).toMatch(/answering again; 3 of the last 8 calls/);

      // None of it was written per sign-in: the pool's stored health is what it was.
      expect(await server.sql('select health_status from user_pools where id = ?', [id])).toEqual(before);
    } finally {
      await peer.close();
    }
  }, 60_000);
});
