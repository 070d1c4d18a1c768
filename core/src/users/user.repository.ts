/*
 * The users table (and its user_roles links): every statement that reads or writes them lives here, so
 * a newcomer finds the table's queries in one place. Each table has such a home, `<domain>/<x>.repository.ts`
 * (a service whose only access is the ORM's entity API for its own table stays that table's home).
 *
 * Repositories are plain modules of functions that take the EntityManager, not MikroORM
 * EntityRepository subclasses: the sign-in's statements run on the prepared-statement fast path
 * (`db/statements.ts` `query`, `executeTogether`), which needs the EntityManager only to reach its `pg`
 * pool, and several are returned as `Statement`s that the caller batches with other tables' writes into
 * one round trip. A repository bound to one entity's unit of work would fit neither. Each function keeps
 * the path its statement took before: `query`/`executeTogether` (prepared, outside the ORM's logger) where
 * a sign-in counts round trips, the ORM's connection elsewhere, the entity API where an entity is wanted.
 */
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { countUpTo, type Count } from '../db/count.js';
import { escapeLike, jsonColumn, pgArray } from '../db/sql.js';
import { query, type Statement } from '../db/statements.js';
import { newId } from '../ids.js';
import type { PoolSettings, PoolType } from '../pools/pool.entity.js';
import { Role } from '../roles/role.entity.js';
import { User, type UserStatus } from './user.entity.js';
import { normaliseEmail } from './user.service.js';

// ---------------------------------------------------------------------------------------------------
// The admin read model: plain SQL, keyset pagination on the time-ordered id, tenant and pool joined in
// one statement (the admin user list is the hottest admin query, over a million users and more).

/** A user as the admin API shows it: one row, tenant and pool joined in. */
export interface UserView {
  id: string;
  email: string;
  status: UserStatus;
  profile: Record<string, unknown>;
  metadata: Record<string, unknown>;
  externalId: string | null;
  migratedAt: Date | null;
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  tenant: { id: string; name: string } | null;
  pool: { id: string; name: string; type: PoolType; settings: PoolSettings } | null;
  migratedFrom: { id: string } | null;
}

export interface UserFilter {
  email?: string | null;
  tenantId?: string | null;
  poolId?: string | null;
  status?: UserStatus | null;
}

const COLUMNS = `u.id, u.email, u.status, u.profile, u.metadata, u.external_id, u.migrated_at, u.last_sign_in_at,
  u.created_at, u.updated_at, u.migrated_from_id, t.id as tenant_id, t.name as tenant_name,
  p.id as pool_id, p.name as pool_name, p.type as pool_type, p.settings as pool_settings`;
const FROM = 'from users u left join tenants t on t.id = u.tenant_id left join user_pools p on p.id = u.pool_id';

type Row = Record<string, unknown>;

const date = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));

function toView(row: Row): UserView {
  return {
    id: row.id as string,
    email: row.email as string,
    status: row.status as UserStatus,
    profile: jsonColumn(row.profile),
    metadata: jsonColumn(row.metadata),
    externalId: (row.external_id as string | null) ?? null,
    migratedAt: date(row.migrated_at),
    lastSignInAt: date(row.last_sign_in_at),
    createdAt: date(row.created_at)!,
    updatedAt: date(row.updated_at)!,
    tenant: row.tenant_id ? { id: row.tenant_id as string, name: row.tenant_name as string } : null,
    pool: row.pool_id
      ? { id: row.pool_id as string, name: row.pool_name as string, type: row.pool_type as PoolType, settings: jsonColumn<PoolSettings>(row.pool_settings) }
      : null,
    migratedFrom: row.migrated_from_id ? { id: row.migrated_from_id as string } : null,
  };
}

function where(filter: UserFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.email) {
    clauses.push(`u.email like ?`);
    params.push(`${escapeLike(normaliseEmail(filter.email))}%`);
  }
  if (filter.tenantId) {
    clauses.push('u.tenant_id = ?');
    params.push(filter.tenantId);
  }
  if (filter.poolId) {
    clauses.push('u.pool_id = ?');
    params.push(filter.poolId);
  }
  if (filter.status) {
    clauses.push('u.status = ?');
    params.push(filter.status);
  }
  return { sql: clauses.length ? clauses.join(' and ') : 'true', params };
}

export async function usersPage(em: EntityManager, filter: UserFilter, first: number, afterId: string | null): Promise<UserView[]> {
  const { sql, params } = where(filter);
  const after = afterId ? ' and u.id > ?' : '';
  const rows: Row[] = await em
    .getConnection()
    .execute(`select ${COLUMNS} ${FROM} where ${sql}${after} order by u.id limit ?`, [...params, ...(afterId ? [afterId] : []), first + 1]);
  return rows.map(toView);
}

/** Above this many matches, `totalCount` is PostgreSQL's estimate: counting never costs more than the page. */
export const USERS_EXACT_COUNT_LIMIT = 10_000;

/** Exact up to the limit; past it, the planner's estimate. */
export function countUsers(em: EntityManager, filter: UserFilter, limit = USERS_EXACT_COUNT_LIMIT): Promise<Count> {
  const { sql, params } = where(filter);
  return countUpTo(em, 'users u', sql, params, limit);
}

export async function userViewById(em: EntityManager, id: string): Promise<UserView | null> {
  const rows: Row[] = await em.getConnection().execute(`select ${COLUMNS} ${FROM} where u.id = ?`, [id]);
  return rows[0] ? toView(rows[0]) : null;
}

export async function userViewByEmail(em: EntityManager, email: string): Promise<UserView | null> {
  const rows: Row[] = await em.getConnection().execute(`select ${COLUMNS} ${FROM} where u.email = ?`, [email]);
  return rows[0] ? toView(rows[0]) : null;
}

/** Roles of many users in one statement (DataLoader batches the page's users into one call). */
export async function rolesOfUsers(em: EntityManager, userIds: readonly string[]): Promise<Map<string, { id: string; key: string; name: string }[]>> {
  const byUser = new Map<string, { id: string; key: string; name: string }[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return byUser;
  const rows: Row[] = await em
    .getConnection()
    .execute('select ur.user_id, r.id, r.key, r.name from user_roles ur join roles r on r.id = ur.role_id where ur.user_id in (?) order by r.key', [
      [...userIds],
    ]);
  for (const row of rows) byUser.get(row.user_id as string)?.push({ id: row.id as string, key: row.key as string, name: row.name as string });
  return byUser;
}

/** Users of a tenant or of a pool (a delete of either is refused while it has some). */
export const countUsersOf = (em: EntityManager, owner: { tenant: string } | { pool: string }): Promise<number> => em.count(User, owner);

// ---------------------------------------------------------------------------------------------------
// Sign-in: managed entities with what a token needs (pool, roles, tenant), and the writes a sign-in makes.

const SIGN_IN_POPULATE = ['pool', 'roles', 'tenant'] as const;

/** One user with pool, roles and tenant in one joined statement (sign-in of a pool's user, token exchange). */
export const findUserForSignIn = (em: EntityManager, id: string): Promise<User | null> =>
  em.findOne(User, { id }, { populate: SIGN_IN_POPULATE, strategy: 'joined' });

/** One user with pool, roles and tenant (federation: by id, email, or the pool's subject). */
export const userWithRelations = (em: EntityManager, where: FilterQuery<User>): Promise<User | null> => em.findOne(User, where, { populate: SIGN_IN_POPULATE });

/**
 * The sign-in's single read before the password check: `head` (a select of one row, such as the
 * throttle's reservation) beside the user of this email and their roles (`role_rows`, JSON), as one
 * prepared statement on the fast path. The columns of `head` come first, then the user's (null if none).
 */
export function besideUserByEmail(head: Statement, email: string): Statement {
  return {
    sql: `select h.*, u.*
     from (${head.sql}) h
     left join lateral (
       select u.*, coalesce((select json_agg(json_build_object('id', r.id, 'key', r.key, 'name', r.name, 'description', r.description, 'created_at', r.created_at))
                             from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id), '[]') as role_rows
       from users u where u.email = ?) u on true`,
    params: [...head.params, email],
  };
}

/**
 * The user of a `besideUserByEmail` row (its user columns, with `role_rows`) as a managed entity: the ORM's
 * own populate costs about 2 ms a sign-in in query building and hydration.
 */
export function mapSignInUser(em: EntityManager, userRow: Row, roleRows: unknown): User {
  const entity = em.map(User, userRow as never);
  entity.roles.hydrate(jsonColumn<Row[]>(roleRows).map((role) => em.map(Role, role as never)));
  return entity;
}

/**
 * A user as a token grant needs it, as plain data: what the token says, the status that decides whether
 * it may be issued, and what a `beforeTokenIssue` prehook sees (its snapshot is plain JSON anyway).
 */
export interface TokenUser {
  id: string;
  email: string;
  status: UserStatus;
  tenantId: string | null;
  /** Role keys, sorted. */
  roles: string[];
  profile: Record<string, unknown>;
  metadata: Record<string, unknown>;
  migratedFrom: string | null;
  /** The pool that owns the credentials; null for local users. */
  pool: { id: string; name: string; source: string } | null;
  /** The owning pool's `reloadClaimsOnRefresh` (default on; always on for local users): a refresh re-reads these claims. */
  reloadClaimsOnRefresh: boolean;
}

/**
 * `head` (a select whose rows carry a `user_id` column, such as a refresh token's) beside that user, their
 * pool and their role keys, as one statement for the prepared-statement fast path: a refresh grant reads
 * its token and its user in one round trip and maps no entity. The user's columns are prefixed `tu_`
 * (null when the user is gone); read them with `tokenUserOf`.
 */
export function besideTokenUser(head: Statement): Statement {
  return {
    sql: `select h.*, tu.*
     from (${head.sql}) h
     left join lateral (
       select u.id as tu_id, u.email as tu_email, u.status as tu_status, u.tenant_id as tu_tenant_id, u.profile as tu_profile,
              u.metadata as tu_metadata, u.migrated_from_id as tu_migrated_from_id, p.id as tu_pool_id, p.name as tu_pool_name,
              p.source as tu_pool_source, coalesce((p.settings->>'reloadClaimsOnRefresh')::boolean, true) as tu_reload_claims,
              coalesce((select json_agg(r.key order by r.key) from user_roles ur join roles r on r.id = ur.role_id where ur.user_id = u.id), '[]') as tu_roles
       from users u left join user_pools p on p.id = u.pool_id where u.id = h.user_id) tu on true`,
    params: head.params,
  };
}

/** The user of a `besideTokenUser` row, or null when there is none. */
export function tokenUserOf(row: Row): TokenUser | null {
  if (!row.tu_id) return null;
  return {
    id: row.tu_id as string,
    email: row.tu_email as string,
    status: row.tu_status as UserStatus,
    tenantId: (row.tu_tenant_id as string | null) ?? null,
    roles: jsonColumn<string[]>(row.tu_roles),
    profile: jsonColumn(row.tu_profile),
    metadata: jsonColumn(row.tu_metadata),
    migratedFrom: (row.tu_migrated_from_id as string | null) ?? null,
    pool: row.tu_pool_id ? { id: row.tu_pool_id as string, name: row.tu_pool_name as string, source: row.tu_pool_source as string } : null,
    reloadClaimsOnRefresh: row.tu_reload_claims !== false,
  };
}

/** One user as a token grant needs it (an authorization code's), on the fast path. */
export async function findTokenUser(em: EntityManager, id: string): Promise<TokenUser | null> {
  const read = besideTokenUser({ sql: 'select ?::uuid as user_id', params: [id] });
  const [row] = await query<Row>(em, read.sql, read.params);
  return row ? tokenUserOf(row) : null;
}

/** Batched into the sign-in's write after the password check (with the refresh token and the audit event). */
export const lastSignInStatement = (userId: string): Statement => ({ sql: 'update users set last_sign_in_at = now() where id = ?', params: [userId] });

export async function touchLastSignIn(em: EntityManager, userId: string): Promise<void> {
  await em.getConnection().execute(lastSignInStatement(userId).sql, [userId]);
}

/** A rehash on sign-in (an imported or weaker hash becomes argon2id). */
export async function setPasswordHash(em: EntityManager, userId: string, passwordHash: string): Promise<void> {
  await em.getConnection().execute('update users set password_hash = ? where id = ?', [passwordHash, userId]);
}

/** A new password (set by an admin, changed or reset by the user), for the caller to write with the sessions it ends. */
export const newPasswordStatement = (userId: string, passwordHash: string): Statement => ({
  sql: 'update users set password_hash = ?, updated_at = now() where id = ?',
  params: [passwordHash, userId],
});

// ---------------------------------------------------------------------------------------------------
// Provisioning: the first sign-in of a user a source knows.

export interface NewUserRow {
  id: string;
  email: string;
  tenantId: string | null;
  profile: Record<string, unknown>;
  metadata: Record<string, unknown>;
  poolId: string | null;
  migratedFromId: string | null;
  externalId: string;
  passwordHash: string | null;
  migratedAt: Date | null;
}

/**
 * Inserts an ACTIVE user unless the email is taken (concurrent first sign-ins race on its unique index)
 * or the pool already has a user with this external id (a source that answers two emails with one id);
 * true if this one won.
 */
export async function insertUserUnlessTaken(em: EntityManager, user: NewUserRow, roleIds: readonly string[], newTenant?: Statement): Promise<boolean> {
  const insert = {
    sql: `insert into users (id, email, status, tenant_id, profile, metadata, pool_id, migrated_from_id, external_id, password_hash, migrated_at, created_at, updated_at)
     values (?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?, ?, ?, now(), now()) on conflict do nothing returning id`,
    params: [
      user.id,
      user.email,
      user.tenantId,
      JSON.stringify(user.profile),
      JSON.stringify(user.metadata),
      user.poolId,
      user.migratedFromId,
      user.externalId,
      user.passwordHash,
      user.migratedAt,
    ],
  };
  // One statement with the user's roles and its own new tenant, if any: they exist only if this insert won,
  // and no concurrent reader sees the user without them (foreign keys are checked at the end of the statement).
  const roles = { sql: 'insert into user_roles (user_id, role_id) select u.id, r.id from u, unnest(?::uuid[]) as r(id)', params: [pgArray(roleIds)] };
  const parts = [roles, ...(newTenant ? [newTenant] : [])];
  const sql = `with u as (${insert.sql}), ${parts.map((part, index) => `w${index} as (${part.sql})`).join(', ')} select id from u`;
  const inserted = await em.getConnection().execute<{ id: string }[]>(sql, [...insert.params, ...parts.flatMap((part) => part.params)]);
  return inserted.length > 0;
}

/** The user of this email as the database has it now (a racer's row too), pool, roles and tenant populated. */
export const reloadUserByEmail = (em: EntityManager, email: string): Promise<User | null> =>
  em.findOne(User, { email }, { populate: SIGN_IN_POPULATE, refresh: true });

// ---------------------------------------------------------------------------------------------------
// Bulk import: on a `pg` client or pool directly (a million rows never go through the unit of work).

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
const BULK_STATEMENT = `
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
  const { rows } = await db.query<{ users: number; roles: number }>(BULK_STATEMENT, params);
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

// ---------------------------------------------------------------------------------------------------
// Import and sync from a pool's source: one statement per batch merges the source's users into the pool.

/** What every import path knows of a user to write: email normalised, tenant resolved. */
interface IncomingUserRow {
  /** The id the user gets if created. */
  id: string;
  externalId: string;
  email: string;
  profile: Record<string, unknown>;
  status: 'ACTIVE' | 'DISABLED';
  /** The tenant of a new user (existing users keep theirs, as at sign-in). */
  tenantId: string | null;
  /** Set when the tenant must be created with the user (its name); null when it already exists or there is none. */
  tenantName: string | null;
}

/** A user as the source has them, ready to merge: ids of tenants and roles resolved. */
export interface SourceUserRow extends IncomingUserRow {
  /** Local role ids; null when the source says nothing about roles (the user's roles stay). */
  roleIds: string[] | null;
}

export type MergeOutcome = 'created' | 'updated' | 'unchanged' | 'conflict';

export interface MergedUser {
  externalId: string;
  email: string;
  outcome: MergeOutcome;
  /** The user's row before the merge, when the pool had it. */
  before: { email: string; profile: Record<string, unknown>; status: string; roleIds: string[] } | null;
}

/*
 * One statement per batch, whatever its size: the batch unnests into rows, each is matched to the pool's
 * user with its external id and to any other user holding its email, then created, updated or left,
 * and its roles linked, all as CTEs. A user another owner holds the email of (a native or migrated
 * user, another pool's) is never overwritten: the row is reported as a conflict. A source user who was
 * migrated from this pool is local now and left alone. Tenants are made only for users this statement
 * created (AUTO_CREATE's own tenant, FROM_ATTRIBUTE's unknown tenant).
 */
const MERGE_STATEMENT = `
with input as (
  select * from unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[], $9::jsonb[])
    as t(id, external_id, email, profile, status, tenant_id, tenant_name, role_ids)
), classified as (
  select i.*, own.id as own_id, own.email as own_email, own.profile as own_profile, own.status as own_status, own.roles as own_roles,
         other.id as other_id, coalesce(other.migrated_from_id = $1 and other.external_id = i.external_id, false) as migrated
  from input i
  left join lateral (
    select u.id, u.email, u.profile, u.status,
      (select coalesce(jsonb_agg(ur.role_id::text order by ur.role_id::text collate "C"), '[]'::jsonb) from user_roles ur where ur.user_id = u.id) as roles
    from users u where u.pool_id = $1 and u.external_id = i.external_id) own on true
  left join lateral (
    select u.id, u.migrated_from_id, u.external_id from users u where u.email = i.email and u.id is distinct from own.id) other on true
), created as (
  insert into users (id, email, status, tenant_id, profile, metadata, pool_id, external_id, imported_at, created_at, updated_at)
  select id, email, status, tenant_id, profile, '{}', $1, external_id, now(), now(), now() from classified
  where own_id is null and other_id is null
  on conflict do nothing
  returning id
), tenants_made as (
  insert into tenants (id, name, metadata, created_at, updated_at)
  select distinct on (c.tenant_id) c.tenant_id, c.tenant_name, '{}', now(), now()
  from classified c join created k on k.id = c.id where c.tenant_name is not null
  on conflict (id) do nothing
  returning id
), changed as (
  select c.own_id, c.email, c.profile, c.status from classified c
  where c.own_id is not null and c.other_id is null
    and (c.email <> c.own_email or c.profile <> c.own_profile or c.status <> c.own_status or (c.role_ids is not null and c.role_ids <> c.own_roles))
    -- An admin's change still on its way to the source (write-back) is newer than what the source says.
    and not exists (select 1 from write_back_outbox o where o.user_id = c.own_id and o.delivered_at is null)
), updated as (
  update users u set email = c.email, profile = c.profile, status = c.status, updated_at = now()
  from changed c where u.id = c.own_id
  returning u.id
), roles_dropped as (
  delete from user_roles ur using classified c
  where ur.user_id = c.own_id and c.own_id in (select own_id from changed) and c.role_ids is not null and not (c.role_ids ? ur.role_id::text)
  returning 1
), roles_linked as (
  insert into user_roles (user_id, role_id)
  select coalesce(c.own_id, c.id), r.role_id::uuid
  from classified c cross join lateral jsonb_array_elements_text(c.role_ids) as r(role_id)
  where c.role_ids is not null and (c.own_id in (select own_id from changed) or c.id in (select id from created))
  on conflict do nothing
  returning 1
)
select c.external_id, c.email, c.own_email, c.own_profile, c.own_status, c.own_roles,
  case
    when c.own_id is not null and c.other_id is not null then 'conflict'
    when c.own_id is not null then case when c.own_id in (select own_id from changed) then 'updated' else 'unchanged' end
    when c.migrated then 'unchanged'
    when c.other_id is not null then 'conflict'
    when c.id in (select id from created) then 'created'
    else 'conflict'
  end as outcome
from classified c`;

/** Merges one batch of a source's users into the pool (see MERGE_STATEMENT); one round trip. */
export async function mergeSourceUsers(db: Queryable, poolId: string, users: readonly SourceUserRow[]): Promise<MergedUser[]> {
  if (users.length === 0) return [];
  const roleOrder = (ids: string[] | null) => (ids ? [...new Set(ids)].sort() : null);
  const { rows } = await db.query(MERGE_STATEMENT, [
    poolId,
    users.map((user) => user.id),
    users.map((user) => user.externalId),
    users.map((user) => user.email),
    users.map((user) => JSON.stringify(user.profile)),
    users.map((user) => user.status),
    users.map((user) => user.tenantId),
    users.map((user) => user.tenantName),
    users.map((user) => JSON.stringify(roleOrder(user.roleIds))),
  ]);
  return rows.map((row: Row) => ({
    externalId: row.external_id as string,
    email: row.email as string,
    outcome: row.outcome as MergeOutcome,
    before:
      row.own_email === null
        ? null
        : {
            email: row.own_email as string,
            profile: jsonColumn(row.own_profile),
            status: row.own_status as string,
            roleIds: jsonColumn<string[]>(row.own_roles),
          },
  }));
}

export type SourceDeletion = 'DISABLE' | 'DELETE';

/**
 * The pool's users a sync did not see (`pool_job_seen` of the job): disabled (those not already
 * disabled) or deleted, in one statement. Returns who.
 */
export async function applySourceDeletions(
  db: Queryable,
  poolId: string,
  jobId: string,
  action: SourceDeletion,
): Promise<{ externalId: string; email: string }[]> {
  // A user with a write-back change pending (a create not yet at the source, say) is not gone from it.
  const gone = `u.pool_id = $1 and not exists (select 1 from pool_job_seen s where s.job_id = $2 and s.external_id = u.external_id)
    and not exists (select 1 from write_back_outbox o where o.user_id = u.id and o.delivered_at is null)`;
  const sql =
    action === 'DELETE'
      ? `delete from users u where ${gone} returning u.external_id, u.email`
      : `update users u set status = 'DISABLED', updated_at = now() where ${gone} and u.status <> 'DISABLED' returning u.external_id, u.email`;
  const { rows } = await db.query(sql, [poolId, jobId]);
  return rows.map((row: Row) => ({ externalId: row.external_id as string, email: row.email as string }));
}

export interface PoolUserStats {
  users: number;
  migrated: number;
  notMigrated: number;
  imported: number;
  signedInLast30Days: number;
}

/** Counts for many pools in one statement (the pool list batches its pools into one call). */
export async function poolUserStats(db: Queryable, poolIds: readonly string[]): Promise<Map<string, PoolUserStats>> {
  const { rows } = await db.query(
    `select pool, count(*) filter (where owned)::int as not_migrated, count(*) filter (where not owned)::int as migrated,
       count(*) filter (where imported_at is not null)::int as imported,
       count(*) filter (where last_sign_in_at > now() - interval '30 days')::int as signed_in
     from (select u.pool_id as pool, true as owned, u.imported_at, u.last_sign_in_at from users u where u.pool_id = any($1::uuid[])
           union all
           select u.migrated_from_id, false, u.imported_at, u.last_sign_in_at from users u where u.migrated_from_id = any($1::uuid[])) x
     group by pool`,
    [poolIds],
  );
  const stats = new Map<string, PoolUserStats>();
  for (const id of poolIds) stats.set(id, { users: 0, migrated: 0, notMigrated: 0, imported: 0, signedInLast30Days: 0 });
  for (const row of rows as Row[]) {
    const notMigrated = row.not_migrated as number;
    const migrated = row.migrated as number;
    stats.set(row.pool as string, {
      users: notMigrated + migrated,
      migrated,
      notMigrated,
      imported: row.imported as number,
      signedInLast30Days: row.signed_in as number,
    });
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------------
// File import: users of an export file, with their password hashes, as local users of the pool.

/** A user of an export file, ready to write. */
export interface ImportedUserRow extends IncomingUserRow {
  metadata: Record<string, unknown>;
  /** Any format the verifier knows; null: the user keeps signing in through the pool's source. */
  passwordHash: string | null;
}

export type ImportOutcome = MergeOutcome;

/*
 * One statement per batch. A user with a hash becomes what a JIT migration makes: local (pool_id null),
 * migrated_from the pool, signing in here with the old password (rehashed to argon2id at the first
 * sign-in); a user without one stays the pool's (pool_id), signing in through the source. A user of
 * this email who is the pool's (or was migrated from it) is updated: profile replaced, metadata merged
 * into theirs, status, and the hash only if they have none yet (a user who signed in since keeps their
 * argon2id hash, and a re-import changes nothing). An email held by anyone else (a native user, another
 * pool's) is never touched: a conflict. Tenants are made only for users this statement created.
 */
const IMPORT_STATEMENT = `
with input as (
  select * from unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[], $9::text[], $10::text[]) with ordinality
    as t(id, external_id, email, profile, metadata, status, password_hash, tenant_id, tenant_name, at)
), classified as (
  select i.*, u.id as own_id,
    u.id is not null and not (u.pool_id is not distinct from $1 or (u.pool_id is null and u.migrated_from_id is not distinct from $1)) as taken,
    u.id is not null and (u.profile is distinct from i.profile or not (u.metadata @> i.metadata) or u.status <> i.status
      or (i.password_hash is not null and u.password_hash is null)) as differs
  from input i left join users u on u.email = i.email
), created as (
  insert into users (id, email, status, tenant_id, profile, metadata, pool_id, migrated_from_id, external_id, password_hash, migrated_at, created_at, updated_at)
  select id, email, status, tenant_id, profile, metadata,
    case when password_hash is null then $1::uuid end, case when password_hash is not null then $1::uuid end,
    external_id, password_hash, case when password_hash is not null then now() end, now(), now()
  from classified where own_id is null
  on conflict do nothing
  returning id
), tenants_made as (
  insert into tenants (id, name, metadata, created_at, updated_at)
  select distinct on (c.tenant_id) c.tenant_id, c.tenant_name, '{}', now(), now()
  from classified c join created k on k.id = c.id where c.tenant_name is not null
  on conflict (id) do nothing
  returning id
), updated as (
  update users u set profile = c.profile, metadata = u.metadata || c.metadata, status = c.status,
    password_hash = coalesce(u.password_hash, c.password_hash),
    pool_id = case when coalesce(u.password_hash, c.password_hash) is null then u.pool_id end,
    migrated_from_id = case when coalesce(u.password_hash, c.password_hash) is null then u.migrated_from_id else $1::uuid end,
    migrated_at = case when u.pool_id is not null and c.password_hash is not null then now() else u.migrated_at end,
    updated_at = now()
  from classified c where u.id = c.own_id and not c.taken and c.differs
  returning u.id
)
select c.at, case
    when c.taken then 'conflict'
    when c.own_id is not null then case when c.differs then 'updated' else 'unchanged' end
    when c.id in (select id from created) then 'created'
    else 'conflict'
  end as outcome
from classified c`;

/** Writes one batch (see IMPORT_STATEMENT) in one round trip; the outcome of each row, in input order. */
export async function importUsers(db: Queryable, poolId: string, users: readonly ImportedUserRow[]): Promise<ImportOutcome[]> {
  if (users.length === 0) return [];
  const { rows } = await db.query<{ at: string; outcome: ImportOutcome }>(IMPORT_STATEMENT, [
    poolId,
    users.map((user) => user.id),
    users.map((user) => user.externalId),
    users.map((user) => user.email),
    users.map((user) => JSON.stringify(user.profile)),
    users.map((user) => JSON.stringify(user.metadata)),
    users.map((user) => user.status),
    users.map((user) => user.passwordHash),
    users.map((user) => user.tenantId),
    users.map((user) => user.tenantName),
  ]);
  const outcomes = new Array<ImportOutcome>(users.length);
  for (const row of rows) outcomes[Number(row.at) - 1] = row.outcome;
  return outcomes;
}

/** Write-back: the id the source gave a user an admin created in its pool. */
export async function setExternalId(db: Queryable, userId: string, externalId: string): Promise<void> {
  await db.query('update users set external_id = $2, updated_at = now() where id = $1 and external_id is null', [userId, externalId]);
}

export async function externalIdOf(db: Queryable, userId: string): Promise<string | null> {
  const { rows } = await db.query('select external_id from users where id = $1', [userId]);
  return rows[0]?.external_id ?? null;
}
