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
});
