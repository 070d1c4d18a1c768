// Malformed requests are the client's error: a 4xx naming what is wrong, never a 500, and never
// PostgreSQL's or the runtime's own messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, createLogger } from '@tributary/core';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
/** The server's log lines: a client's mistake must not be logged as a server error. */
const lines: { level: number; msg?: string }[] = [];
const errorLines = () => lines.filter((line) => line.level >= 50);
beforeAll(async () => {
  server = await startTestServer({ logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }) });
});
afterAll(() => server.close());

const post = (path: string, body: string | Buffer, headers: Record<string, string>) => fetch(`${server.url}${path}`, { method: 'POST', headers, body });

describe('client errors', () => {
  it('refuses an id argument that is not an id this API issued, naming the argument', async () => {
    for (const query of ['{ user(id: "x") { id } }', 'mutation { deleteUserPool(id: "x\'; --") }', 'mutation { reorderUserPools(ids: ["nope"]) { id } }']) {
      const response = await server.gql(query);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).not.toMatch(/uuid|syntax|postgres/i);
    }
    expect((await server.gql('{ user(id: "x") { id } }')).errors?.[0]?.extensions?.field).toBe('id');
    expect((await server.gql('mutation { reorderUserPools(ids: ["nope"]) { id } }')).errors?.[0]?.extensions?.field).toBe('ids.0');
    expect(errorLines()).toEqual([]);
  });

  it('refuses control characters in the sign-in email or password with 400 invalid_request', async () => {
    for (const body of [
      { email: 'a\u0000@b.test', password: 'password-1' },
      { email: 'a@b.test', password: 'pass\u0000word' },
    ]) {
      const response = await post('/auth/sign-in', JSON.stringify(body), { 'content-type': 'application/json' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    }
    expect(errorLines()).toEqual([]);
  });

  it('answers unreadable bodies with a 4xx invalid_request: bogus charset, compress encoding, too many parameters', async () => {
    const cases: [Record<string, string>, string | Buffer, number][] = [
      [{ 'content-type': 'application/json; charset=bogus-8' }, '{"email":"a@b.test","password":"p"}', 415],
      [{ 'content-type': 'application/json', 'content-encoding': 'compress' }, Buffer.from('xxxx'), 415],
      [{ 'content-type': 'application/x-www-form-urlencoded' }, Array.from({ length: 1500 }, (_, i) => `p${i}=1`).join('&'), 413],
    ];
    for (const [headers, body, status] of cases) {
      const response = await post('/auth/sign-in', body, headers);
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ error: 'invalid_request', error_description: expect.any(String) });
    }
    expect(errorLines()).toEqual([]);
  });

  it('hides internals unless NODE_ENV=development is set explicitly', () => {
    expect(loadConfig({}).env).toBe('production');
    expect(loadConfig({ NODE_ENV: 'development' }).env).toBe('development');
  });
});
