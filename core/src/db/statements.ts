import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';

/** One SQL statement with `?` placeholders and its bound values, to be run alone or batched with others. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/** The `pg` pool under each MikroORM connection, once resolved: a query then starts without waiting a turn. */
const pools = new WeakMap<object, Pool | Promise<Pool>>();

function poolOf(em: EntityManager): Pool | Promise<Pool> {
  const connection = em.getConnection();
  let pool = pools.get(connection);
  if (!pool) {
    pool = (connection.getNativeClient() as Promise<Pool>).then((resolved) => {
      pools.set(connection, resolved);
      return resolved;
    });
    pools.set(connection, pool);
  }
  return pool;
}

/**
 * Prepared statement names by SQL text. PostgreSQL parses and plans a named statement once per
 * connection; the texts come from code (values are always bound), so the map stays small.
 */
const prepared = new Map<string, { name: string; text: string }>();

function preparedFor(sql: string): { name: string; text: string } {
  let statement = prepared.get(sql);
  if (!statement) {
    let n = 0;
    // `?` to PostgreSQL's `$n`. The statements are our own: no `?` appears in a literal or an operator.
    statement = { name: `trb_${prepared.size}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    prepared.set(sql, statement);
  }
  return statement;
}

/**
 * Runs one statement straight on the `pg` pool under MikroORM, as a prepared statement, outside any ORM
 * transaction. For the paths counted in round trips and tenths of milliseconds (a sign-in): the ORM's
 * query building, logging and result mapping, and PostgreSQL's parsing and planning, cost about 0.5 ms a
 * statement there. Arrays bind as PostgreSQL arrays (`= any(?)`), not as lists. The query is on its way
 * when this returns: the caller may do synchronous work before awaiting it.
 */
export function query<T extends object>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const { name, text } = preparedFor(sql);
  const run = (pool: Pool) => pool.query<T>({ name, text, values: params as unknown[] }).then((result) => result.rows);
  const pool = poolOf(em);
  return pool instanceof Promise ? pool.then(run) : run(pool);
}

/**
 * Runs independent writes in one round trip, as data-modifying CTEs of a single statement: the
 * sign-in path is bound by round trips, and these writes either all happen or none do.
 */
export async function executeTogether(em: EntityManager, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  if (statements.length === 1) {
    await query(em, statements[0]!.sql, statements[0]!.params);
    return;
  }
  const sql = `with ${statements.map((statement, index) => `s${index} as (${statement.sql})`).join(', ')} select 1`;
  await query(
    em,
    sql,
    statements.flatMap((statement) => statement.params),
  );
}
