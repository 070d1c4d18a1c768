import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { poolsOf, signIn, type SignInResponse } from '../support/sign-in.js';

// A pool's source failing under load: one that stops answering while sign-ins are in flight, one that answers
// garbage to a burst. Its users hear 503 within the pool's timeout; nobody else notices; nothing is written.
const PASSWORD = 'faulty-pass-1';
const TIMEOUT_MS = 1000;
const USERS = 20;
let server: TestServer;
let peer: DirectoryPeer;
const emails = Array.from({ length: USERS }, (_, i) => `synced-${i}@faulty.test`);

beforeAll(async () => {
  // Each request names its own client address, so the per-address throttle does not stand in for the source's failure.
  server = await startTestServer({ sources: [directorySource], env: { TRIBUTARY_TRUST_PROXY: 'loopback' } });
  peer = await startDirectoryPeer();
  await poolsOf(server, directorySource.key).create(peer.config(), { syncUserAttributes: true, timeoutMs: TIMEOUT_MS });
  for (const email of emails) peer.addUser({ email, password: PASSWORD, name: email, roles: [] });
  ok(await server.gql(`mutation { createUser(input: { email: "local@faulty.test", password: "${PASSWORD}" }) { id } }`));
  // First sign-ins create the synced users while the source is well.
  for (const email of emails) expect((await signIn(server, email, PASSWORD)).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await peer?.close();
  await server?.close();
});

let address = 0;
const from = () => `198.51.100.${(address++ % 250) + 1}`;

async function timed(email: string): Promise<SignInResponse & { ms: number }> {
  const started = performance.now();
  const response = await signIn(server, email, PASSWORD, from());
  return { ...response, ms: performance.now() - started };
}

const rows = () =>
  server.sql<Record<string, unknown>>(
    'select id, email, status, profile, metadata, pool_id, external_id, tenant_id, updated_at, password_hash from users where email like ? order by email',
    ['%@faulty.test'],
  );

describe('a source that stops answering mid-flight', () => {
  for (const mode of ['slow', 'down'] as const) {
    it(`${mode}: its users' sign-ins in flight get 503 within the pool timeout; a local user signs in meanwhile`, async () => {
      await peer.setMode('up');
      const inFlight = emails.slice(0, 8).map(timed);
      // The switch lands while those calls are on their way (the peer answers in a few ms otherwise).
      await peer.setMode(mode, { delayMs: 20_000 });
      const local = await Promise.all([0, 1, 2].map(() => timed('local@faulty.test')));
      const later = await Promise.all(emails.slice(8, 12).map(timed));
      for (const response of [...(await Promise.all(inFlight)), ...later]) {
        expect([200, 503]).toContain(response.status);
        // 20 s would mean the call waited for the source: the pool's 1 s budget, with room for a loaded machine.
        expect(response.ms).toBeLessThan(TIMEOUT_MS + 6000);
        if (response.status === 503) expect(response.body.error).toBe('source_unavailable');
      }
      expect(later.every((response) => response.status === 503)).toBe(true);
      expect(local.map((response) => response.status)).toEqual([200, 200, 200]);
      await peer.setMode('up');
    }, 30_000);
  }
});

describe('a source that answers garbage at volume', () => {
  for (const garbage of ['not-json', 'wrong-shape'] as const) {
    it(`${garbage}: 100 concurrent sign-ins get 503, never 500; the service stays up and no user row changes`, async () => {
      await peer.setMode('up');
      const before = await rows();
      await peer.setMode('garbage', { garbage });
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => signIn(server, emails[i % USERS]!, PASSWORD, from())));
      const statuses = new Set(answers.map((response) => response.status));
      expect([...statuses]).toEqual([503]);
      expect(answers.every((response) => response.body.error === 'source_unavailable')).toBe(true);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(await rows()).toEqual(before);
      await peer.setMode('up');
    }, 30_000);
  }
});
