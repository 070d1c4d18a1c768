import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedDatabase } from './embedded.js';
import { createOrm, migrate, type Orm } from './orm.js';

export interface Database {
  orm: Orm;
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

/** Serialises start-up work (migrations, bootstrap key) across nodes that start at once. */
const STARTUP_LOCK = 7_402_118;

export async function withStartupLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK]);
    return await work();
  } finally {
    await client.query('select pg_advisory_unlock($1)', [STARTUP_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** DATABASE_URL when set, else the embedded default; migrated before anything else touches it. */
export async function openDatabase(config: Config, logger: Logger, options: { onQuery?: (sql: string) => void; poolSize?: number } = {}): Promise<Database> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir, config.embeddedPort, logger);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    const orm = await createOrm({ url, ...options });
    const applied = await withStartupLock(url, () => migrate(orm));
    if (applied.length) logger.info({ migrations: applied }, 'applied database migrations');
    return {
      orm,
      url,
      embedded: Boolean(embedded),
      async close() {
        await orm.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
