import { createLogger } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrehook, createUser } from '../prehooks/support.js';
import { startTestServer, type TestServer } from '../support/server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The behind-a-proxy node trusts loopback (where the test's requests come from); the other trusts nobody. */
let proxied: TestServer;
let direct: TestServer;
const lines: { msg?: string; requestId?: string }[] = [];

beforeAll(async () => {
  proxied = await startTestServer({
    env: { TRIBUTARY_TRUST_PROXY: 'loopback' },
    logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }),
  });
  direct = await startTestServer({ sameDatabaseAs: proxied });
});
afterAll(async () => {
  await direct.close();
  await proxied.close();
});

const get = (server: TestServer, path: string, requestId?: string) =>
  fetch(`${server.url}${path}`, { headers: requestId ? { 'x-request-id': requestId } : {} });

describe('x-request-id', () => {
  it('is on every response: generated, or the trusted proxy’s own when it is a sane token', async () => {
    for (const path of ['/healthz', '/readyz', '/no-such-route', '/.well-known/jwks.json']) {
      expect((await get(proxied, path)).headers.get('x-request-id'), path).toMatch(UUID);
    }
    expect((await get(proxied, '/healthz', 'lb-7f3a.9:2')).headers.get('x-request-id')).toBe('lb-7f3a.9:2');
    for (const garbage of ['', 'has space', 'x'.repeat(129), 'quote"d', 'a,b', '<script>', '../../etc/passwd']) {
      expect((await get(proxied, '/healthz', garbage)).headers.get('x-request-id'), garbage).toMatch(UUID);
    }
  });

  it('from a client that is not a trusted proxy is replaced, however sane', async () => {
    const response = await get(direct, '/healthz', 'chosen-by-client');
    expect(response.headers.get('x-request-id')).toMatch(UUID);
    const gql = await fetch(`${direct.url}/graphql`, { method: 'POST', headers: { 'x-request-id': 'chosen-by-client' } });
    expect(gql.status).toBe(401);
    expect(gql.headers.get('x-request-id')).toMatch(UUID);
  });

  it('is carried by the log lines written while serving the request', async () => {
    await createUser(proxied, 'logged@ids.test', 'logged-pass-1');
    // A CONTINUE prehook that throws: the sign-in goes on, and the server logs a warning about it.
    await createPrehook(proxied, { event: 'beforeSignIn', failurePolicy: 'CONTINUE', code: 'export default async () => { throw new Error("boom"); }' });
    const response = await fetch(`${proxied.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-0001' },
      body: JSON.stringify({ email: 'logged@ids.test', password: 'logged-pass-1' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('trace-0001');
    const warning = lines.filter((line) => line.msg === 'a prehook failed; its failure policy is CONTINUE');
    expect(warning).toHaveLength(1);
    expect(warning[0]!.requestId).toBe('trace-0001');
  });
});
