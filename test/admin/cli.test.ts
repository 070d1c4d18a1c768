import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';

const run = promisify(execFile);
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const cli = (args: string[]) =>
  run('node', ['--no-node-snapshot', '--import', 'tsx', 'core/src/cli.ts', ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent' },
  });

describe('pnpm tributary admin-key create', () => {
  it('prints a new key once that works against the running server; only its hash is stored', async () => {
    const { stdout } = await cli(['admin-key', 'create', '--name', 'ci-robot']);
    const key = stdout.trim();
    expect(key).toMatch(/^trb_admin_[A-Za-z0-9_-]{43}$/);
    expect(ok(await server.gql('{ roles { key } }', {}, { key })).roles).toEqual([]);
    const rows = await server.sql<{ name: string; key_hash: string }>("select name, key_hash from admin_keys where name = 'ci-robot'");
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_hash).not.toBe(key);
  });

  it('refuses a missing name with a clear message', async () => {
    await expect(cli(['admin-key', 'create'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--name is required') });
  });

  it('runs migrations idempotently', async () => {
    expect((await cli(['migrate'])).stdout).toContain('up to date');
  });
});
