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

/** A new tenant's insert `returning id`, for a statement that assigns it at once (a new user's own tenant, users/user.repository.ts). */
export const newTenantStatement = (id: string, name: string): Statement => ({
  sql: `insert into tenants (id, name, metadata, created_at, updated_at) values (?, ?, '{}', now(), now()) returning id`,
  params: [id, name],
});
