import type pg from 'pg';
import { newId } from '../ids.js';
import type { UserStatus } from './user.entity.js';
import { normaliseEmail } from './user.service.js';

/** One user to import: ids of tenant, pool and roles must already exist. */
export interface BulkUser {
  email: string;
  status?: UserStatus;
  tenantId?: string | null;
  profile?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  poolId?: string | null;
  externalId?: string | null;
  passwordHash?: string | null;
  roleIds?: readonly string[];
}

export interface BulkResult {
  /** Users written; the rest had an email already taken (by an existing user or earlier in the input). */
  inserted: number;
  skipped: number;
  /** user_roles rows written for the inserted users. */
  roleLinks: number;
}

/** A pg Pool, a Client or a checked-out PoolClient: one statement per batch needs no dedicated client. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

export const BULK_BATCH_SIZE = 5000;

/*
 * Why not the ORM: a million entities through the unit of work cost minutes of JS and a statement
 * per few rows. Here each batch is ONE parameterised statement whose arrays unnest into rows: the
 * users insert and the user_roles insert are CTEs of the same statement, so a batch is atomic (its
 * own implicit transaction, or the caller's when it passes a client inside one) and roles are linked
 * only to users actually inserted (`on conflict (email) do nothing` skips taken emails).
 * Other unique violations (pool_id + external_id) fail the batch, as a bad import should.
 */
const STATEMENT = `
with input as (
  select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::uuid[], $8::text[], $9::text[])
    as t(id, email, status, tenant_id, profile, metadata, pool_id, external_id, password_hash)
), inserted as (
  insert into users (id, email, status, tenant_id, profile, metadata, pool_id, external_id, password_hash, created_at, updated_at)
  select id, email, status, tenant_id, profile, metadata, pool_id, external_id, password_hash, now(), now() from input
  on conflict (email) do nothing
  returning id
), linked as (
  insert into user_roles (user_id, role_id)
  select l.user_id, l.role_id from unnest($10::uuid[], $11::uuid[]) as l(user_id, role_id) join inserted i on i.id = l.user_id
  on conflict do nothing
  returning 1
)
select (select count(*) from inserted)::int as users, (select count(*) from linked)::int as roles`;

async function insertBatch(db: Queryable, users: readonly BulkUser[]): Promise<BulkResult> {
  const ids = users.map(() => newId());
  const links = users.flatMap((user, i) => [...new Set(user.roleIds ?? [])].map((roleId) => [ids[i]!, roleId] as const));
  const params = [
    ids,
    users.map((user) => normaliseEmail(user.email)),
    users.map((user) => user.status ?? 'ACTIVE'),
    users.map((user) => user.tenantId ?? null),
    users.map((user) => JSON.stringify(user.profile ?? {})),
    users.map((user) => JSON.stringify(user.metadata ?? {})),
    users.map((user) => user.poolId ?? null),
    users.map((user) => user.externalId ?? null),
    users.map((user) => user.passwordHash ?? null),
    links.map(([userId]) => userId),
    links.map(([, roleId]) => roleId),
  ];
  const { rows } = await db.query<{ users: number; roles: number }>(STATEMENT, params);
  const inserted = rows[0]?.users ?? 0;
  return { inserted, skipped: users.length - inserted, roleLinks: rows[0]?.roles ?? 0 };
}

/** Inserts users (and their role links) in batches of `batchSize`, each batch one atomic statement. */
export async function bulkInsertUsers(db: Queryable, users: readonly BulkUser[], batchSize = BULK_BATCH_SIZE): Promise<BulkResult> {
  const total: BulkResult = { inserted: 0, skipped: 0, roleLinks: 0 };
  for (let start = 0; start < users.length; start += batchSize) {
    const result = await insertBatch(db, users.slice(start, start + batchSize));
    total.inserted += result.inserted;
    total.skipped += result.skipped;
    total.roleLinks += result.roleLinks;
  }
  return total;
}
