import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import { migrations } from '../../migrations/index.js';
import { entities } from './entities.js';

export type Orm = MikroORM;

export interface OrmOptions {
  url: string;
  poolSize?: number;
  /** Called for every SQL statement: benchmarks count statements per request with it. */
  onQuery?: (sql: string) => void;
}

export async function createOrm(options: OrmOptions): Promise<Orm> {
  return MikroORM.init({
    clientUrl: options.url,
    entities,
    extensions: [Migrator],
    // The schema comes from checked-in migrations only; nothing is synchronised at runtime.
    migrations: { migrationsList: migrations, transactional: true, allOrNothing: true, snapshot: false },
    // Warm connections: opening one costs more than a whole sign-in's queries.
    pool: { min: 2, max: options.poolSize ?? 10, idleTimeoutMillis: 300_000 },
    debug: options.onQuery ? ['query'] : false,
    logger: options.onQuery ? (message: string) => options.onQuery?.(message) : () => undefined,
    allowGlobalContext: false,
    ensureDatabase: false,
  });
}

export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}
