import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, startEmbeddedDatabase, type EmbeddedDatabase } from '@tributary/core';
import { freePort } from '../../plugins/kit/src/testing.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';

// PostgreSQL stopped under load and started again: what clients see meanwhile, and whether the service
// comes back without a restart of its own. The database is an embedded server of this test's own.
const PASSWORD = 'restart-password-1';
const logger = createLogger('silent');
const dataDir = mkdtempSync(join(tmpdir(), 'trb-restart-'));
let port: number;
let database: EmbeddedDatabase;
let server: TestServer;

beforeAll(async () => {
  port = await freePort();
  database = await startEmbeddedDatabase(dataDir, port, logger);
  server = await startTestServer({ databaseUrl: database.url });
  for (let i = 0; i < 4; i++) ok(await server.gql(`mutation { createUser(input: { email: "u${i}@restart.test", password: "${PASSWORD}" }) { id } }`));
}, 60_000);
afterAll(async () => {
  await server?.app.close();
  await database?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  error?: string;
}

/** A request that must answer within 10 s: a hang is a failure of its own (status 0). */
async function post(path: string, body: Record<string, string>, form = false): Promise<Answer & { body: Record<string, string> }> {
  try {
    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(body) : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const json = (await response.json()) as Record<string, string>;
    return { status: response.status, error: json.error, body: json };
  } catch {
    return { status: 0, body: {} };
  }
}

describe('PostgreSQL restarted during load', () => {
  it('answers 503 temporarily_unavailable (never 500, never a hang) while it is down, and recovers by itself', async () => {
    const answers: Answer[] = [];

    let running = true;
    // Two clients signing in and two rotating refresh chains, without pause, across the outage.
    const signer = async (i: number) => {
      while (running) {
        const answer = await post('/auth/sign-in', { email: `u${i}@restart.test`, password: PASSWORD });
        answers.push(answer);
        if (answer.status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const chains: string[] = [];
    for (const i of [2, 3]) {
      const first = await post('/auth/sign-in', { email: `u${i}@restart.test`, password: PASSWORD });
      expect(first.status).toBe(200);
      chains[i] = first.body.refresh_token!;
    }
    const refresher = async (i: number) => {
      let token = chains[i]!;
      while (running) {
        const answer = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: token }, true);
        answers.push(answer);
        if (answer.status === 200) token = answer.body.refresh_token!;
        else await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const load = Promise.all([signer(0), signer(1), refresher(2), refresher(3)]);

    await new Promise((resolve) => setTimeout(resolve, 500));
    await database.stop();
    const outageStart = answers.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const ready = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(10_000) });
    expect(ready.status).toBe(503);
    // The admin API says the same in GraphQL's shape: SERVICE_UNAVAILABLE with a 503, never INTERNAL_SERVER_ERROR.
    const graph = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
      body: JSON.stringify({ query: '{ roles { id } }' }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(graph.status).toBe(503);
    const graphBody = (await graph.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(graphBody.errors.map((error) => error.extensions.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(graphBody.errors[0]!.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminat/i);
    const duringOutage = answers.slice(outageStart);

    database = await startEmbeddedDatabase(dataDir, port, logger);
    // Back without restarting the server: the pool replaces its broken connections.
    let recovered = false;
    for (let attempt = 0; attempt < 100 && !recovered; attempt++) {
      recovered = (await fetch(`${server.url}/readyz`)).status === 200 && answers.slice(-4).every((answer) => answer.status === 200);
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    running = false;
    await load;

    expect(recovered).toBe(true);
    expect(duringOutage.length).toBeGreaterThan(0);
    for (const answer of duringOutage) expect([200, 503]).toContain(answer.status);
    expect(duringOutage.some((answer) => answer.status === 503)).toBe(true);
    for (const answer of answers) {
      expect([200, 503]).toContain(answer.status);
      if (answer.status === 503) expect(answer.error).toBe('temporarily_unavailable');
    }
    // Refresh chains survived the outage: a grant that got 503 left its token usable.
    const after = await post('/auth/sign-in', { email: 'u0@restart.test', password: PASSWORD });
    expect(after.status).toBe(200);
    expect(ok(await server.gql('{ roles { id } }')).roles).toBeDefined();
  }, 60_000);
});
