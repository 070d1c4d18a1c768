import type { EntityManager } from '@mikro-orm/postgresql';
import type { Statement } from '../db/statements.js';

/*
 * The tenants table's hand-written SQL. TenantService reads and edits tenants through the ORM's entity
 * API; these are the two writes the entity API cannot say: an insert that tolerates a racer, and an
 * insert a caller folds into its own statement.
 */

/** Creates the tenant unless it exists: sources name tenants we may not know yet, and concurrent sign-ins race to create them. */
export async function insertTenantUnlessExists(em: EntityManager, id: string, name: string): Promise<void> {
  await em
    .getConnection()
    .execute('insert into tenants (id, name, metadata, created_at, updated_at) values (?, ?, ?, now(), now()) on conflict (id) do nothing', [id, name, '{}']);
}

/** A new tenant's insert, made only for each row of `source` (a CTE name): a new user's own tenant exists only if that user was created (users/user.repository.ts). */
export const newTenantForEachStatement = (source: string, id: string, name: string): Statement => ({
  sql: `insert into tenants (id, name, metadata, created_at, updated_at) select ?, ?, '{}', now(), now() from ${source} returning id`,
  params: [id, name],
});
