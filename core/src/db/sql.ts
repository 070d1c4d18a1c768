/**
 * Small pieces of SQL every repository needs. Table-specific SQL lives in each table's repository
 * (`<domain>/<x>.repository.ts`); only these shared shapes live here.
 */

/**
 * A json/jsonb column as read: `pg` parses jsonb to a value, but a column read through some paths
 * (json built in the query, MikroORM's raw execute) may arrive as text. Either way, the value.
 */
export const jsonColumn = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** A value for `like ?` that matches itself literally: `%`, `_` and the escape character are escaped. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** A PostgreSQL array literal (`{"a","b"}`) for a `?::text[]` parameter, where a bound JS array would not do. */
export const pgArray = (items: readonly (string | number)[]): string => `{${items.map((item) => JSON.stringify(item)).join(',')}}`;
