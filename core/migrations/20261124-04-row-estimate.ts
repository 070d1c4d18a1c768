import { Migration } from '@mikro-orm/migrations';

/**
 * The planner's row estimate for a query (volatile: PostgreSQL allows EXPLAIN only there), so that a capped count and its estimate take one
 * statement. Only ever given SQL that core built (filters are bound values, formatted by the driver).
 */
export class RowEstimate extends Migration {
  override up(): void {
    this.addSql(`create function tributary_row_estimate(query text) returns bigint language plpgsql volatile as $$
declare plan json;
begin
  execute 'explain (format json) ' || query into plan;
  return (plan->0->'Plan'->>'Plan Rows')::bigint;
end $$;`);
  }
}
