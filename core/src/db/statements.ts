import type { EntityManager } from '@mikro-orm/postgresql';

/** One SQL write with its bound values, to be run alone or batched with others. */
export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Runs independent writes in one round trip, as data-modifying CTEs of a single statement: the
 * sign-in path is bound by round trips, and these writes either all happen or none do.
 */
export async function executeTogether(em: EntityManager, statements: readonly Statement[]): Promise<void> {
  if (statements.length === 0) return;
  if (statements.length === 1) {
    await em.getConnection().execute(statements[0]!.sql, statements[0]!.params);
    return;
  }
  const sql = `with ${statements.map((statement, index) => `s${index} as (${statement.sql})`).join(', ')} select 1`;
  await em.getConnection().execute(
    sql,
    statements.flatMap((statement) => statement.params),
  );
}
