// A burst of sign-ins against a slow beforeSignIn prehook. Waiting for the script's isolates is
// queueing, not the script failing: under failurePolicy CONTINUE a banned user must still be refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';
import { createPrehook, createUser, runsOf } from './support.js';

let server: TestServer;
const BANNED = [1, 2, 3, 4, 5, 6].map((n) => `banned-${n}@local.test`);
beforeAll(async () => {
  server = await startTestServer();
  for (const email of BANNED) await createUser(server, email);
});
afterAll(() => server.close());

/** 150 ms of work per call, then a ban on every banned-* address. */
const SLOW_BAN = `export default async (e) => {
  const end = Date.now() + 150;
  while (Date.now() < end) {}
  return e.email.startsWith('banned-') ? { deny: 'this account is banned' } : {};
};`;

describe('a slow CONTINUE beforeSignIn under a burst of sign-ins', () => {
  it('refuses every banned user: a call that waited past its time never reads as CONTINUE', async () => {
    const id = await createPrehook(server, { event: 'beforeSignIn', code: SLOW_BAN, failurePolicy: 'CONTINUE', timeoutMs: 1000 });
    // Three attempts per account stay under the per-account throttle; 18 calls of 150 ms one after
    // another would take 2.7 s, far past the prehook's 1000 ms.
    const attempts = BANNED.flatMap((email) => [email, email, email]);
    const responses = await Promise.all(attempts.map((email) => signIn(server, email, 'local-pass-1')));
    const statuses = responses.map((response) => response.status);
    const kinds = (await runsOf(server, id, 100)).map((run) => run.errorKind);
    expect(statuses, `run errors: ${kinds.join(',')}`).not.toContain(200);
    expect(statuses.filter((status) => status === 403).length).toBeGreaterThan(0);
    for (const response of responses) {
      if (response.status === 403) expect(response.body).toMatchObject({ error: 'access_denied', error_description: 'this account is banned' });
      else expect(response.body.error).toMatch(/^(source_unavailable|too_many_attempts)$/);
    }
    expect(kinds.every((kind) => kind === null || kind === 'UNAVAILABLE')).toBe(true);
  });
});
