import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase, createLogger } from '@tributary/core';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A connection to the test PostgreSQL server that may create databases. */
    pgAdminUrl: string;
  }
}

/**
 * The suite runs on the PostgreSQL server named by TEST_DATABASE_URL (CI: 127.0.0.1:5432), and on
 * the embedded default when none is given, so `pnpm test` needs nothing but Node.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (url) {
    project.provide('pgAdminUrl', url);
    return async () => undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tributary-test-db-'));
  const embedded = await startEmbeddedDatabase(dir, 55_000 + Math.floor(Math.random() * 5000), createLogger('warn'));
  project.provide('pgAdminUrl', embedded.url);
  return async () => {
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
