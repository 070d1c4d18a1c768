import type { EntityManager } from '@mikro-orm/postgresql';

/** A row count that may be PostgreSQL's estimate rather than exact. */
export interface Count {
  value: number;
  exact: boolean;
}

/**
 * `select count(*) from <from> where <where>`, exact up to `limit`; past it, the planner's estimate
 * (`tributary_row_estimate`, one statement with the capped count). An exact count(*) over a million rows
 * costs 50-100 ms, ten times a page, and no admin needs "899,701" rather than "about 900k".
 * `from` and `where` are SQL that core built; values are always bound (`params`).
 */
export async function countUpTo(em: EntityManager, from: string, where: string, params: readonly unknown[], limit: number): Promise<Count> {
  const estimateOf = em.getPlatform().formatQuery(`select 1 from ${from} where ${where}`, [...params]);
  const [row] = await em.getConnection().execute<{ n: number; estimate: string | null }[]>(
    `select c.n, case when c.n > ? then tributary_row_estimate(?) end as estimate
       from (select count(*)::int as n from (select 1 from ${from} where ${where} limit ?) s) c`,
    [limit, estimateOf, ...params, limit + 1],
  );
  const value = Number(row?.n ?? 0);
  if (value <= limit) return { value, exact: true };
  return { value: Math.max(Number(row?.estimate ?? value), value), exact: false };
}
