import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase, createLogger } from '@tributary/core';
import { freePort } from '../../plugins/kit/src/testing.js';

// A newcomer's first run: `npm start` as root in a private directory (a clone under /root, mode 0700), where
// the embedded PostgreSQL, run as the `postgres` system user, cannot reach its data directory.
const asRoot = process.getuid?.() === 0;
const run = promisify(execFile);
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trb-private-'));
  chmodSync(dir, 0o700);
  made.push(dir);
  return dir;
}

const start = async (dataDir: string) =>
  run('node', ['--no-node-snapshot', '--import', 'tsx', 'core/src/main.ts'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL' && name !== 'TEST_DATABASE_URL')),
      TRIBUTARY_DATA_DIR: dataDir,
      TRIBUTARY_EMBEDDED_PORT: String(await freePort()),
      PORT: '0',
      LOG_LEVEL: 'error',
    },
    timeout: 60_000,
  });

describe('the embedded default started from a 0700 directory', () => {
  it(
    asRoot
      ? 'as root: stops with one sentence saying what to do, not a spawn EACCES stack, and exits 1'
      : 'as a regular user: PostgreSQL runs as that user and starts',
    async () => {
      const dir = privateDir();
      if (asRoot) {
        const failure = await start(join(dir, '.tributary')).then(
          () => expect.unreachable('the server started from a directory the postgres user cannot enter'),
          (error: { code: number; stdout: string; stderr: string }) => error,
        );
        expect(failure.code).toBe(1);
        const lines = failure.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^The embedded PostgreSQL cannot start: as root it runs as the system user "postgres", who cannot enter \/\S+ \(mode 700\)/);
        expect(lines[0]).toContain('set DATABASE_URL');
        expect(failure.stderr + failure.stdout).not.toMatch(/EACCES|\n\s+at /);
      } else {
        await expectStartsAndAnswers(join(dir, '.tributary'));
      }
    },
    90_000,
  );

  it('starts once the directory is reachable, as the sentence says', async () => {
    const dir = privateDir();
    chmodSync(dir, 0o755);
    await expectStartsAndAnswers(join(dir, '.tributary'));
  }, 90_000);
});

async function expectStartsAndAnswers(dataDir: string): Promise<void> {
  const database = await startEmbeddedDatabase(dataDir, await freePort(), createLogger('silent'));
  try {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      expect((await client.query<{ one: number }>('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await client.end();
    }
  } finally {
    await database.stop();
  }
}
