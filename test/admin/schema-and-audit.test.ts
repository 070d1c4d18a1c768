import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printAdminSchema, SCHEMA_FILE } from '@tributary/core';
import { configSource } from '../fixtures/test-sources.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ sources: [configSource] });
});
afterAll(() => server.close());

describe('published schema', () => {
  it('schema/schema.graphql matches the code (run `pnpm schema` after changing the API)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printAdminSchema());
  });
});

describe('audit log', () => {
  it('records every mutation with actor, action, target and outcome, and no arguments', async () => {
    const secret = 'audit-secret-value-123';
    const { createUserPool } = ok(
      await server.gql('mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }', {
        input: { name: 'Audited', type: 'EXTERNAL', source: 'test-directory', config: { baseUrl: 'https://a.example', region: 'us', apiKey: secret } },
      }),
    );
    await server.gql(`mutation { updateUserPool(id: "${createUserPool.id}", input: { name: "" }) { id } }`);
    await server.gql('mutation { createRole(input: { key: "a", name: "A" }) { id } b: createRole(input: { key: "a", name: "B" }) { id } }');
    await server.gql('{ roles { key } }');
    const events = await server.sql<{ actor: string; action: string; target: string | null; outcome: string; details: unknown }>(
      'select actor, action, target, outcome, details from audit_events order by created_at, id',
    );
    expect(events.map(({ action, outcome }) => `${action}:${outcome}`)).toEqual([
      'createUserPool:ok',
      'updateUserPool:BAD_USER_INPUT',
      'createRole:ok',
      'createRole:CONFLICT',
    ]);
    expect(events[0]!.actor).toBe('admin-key:bootstrap');
    expect(events[1]!.target).toBe(createUserPool.id);
    expect(JSON.stringify(events)).not.toContain(secret);
  });
});
