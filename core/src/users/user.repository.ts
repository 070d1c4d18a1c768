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
  /** `otpSignIn`: a NATIVE pool's config lets its users sign in with mailed codes. */
  pool: { id: string; name: string; type: PoolType; settings: PoolSettings; otpSignIn: boolean } | null;
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
  p.id as pool_id, p.name as pool_name, p.type as pool_type, p.settings as pool_settings,
  p.type = 'NATIVE' and p.enabled and coalesce((p.config->>'otpSignIn')::boolean, false) as pool_otp_sign_in`;
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
      ? {
          id: row.pool_id as string,
          name: row.pool_name as string,
          type: row.pool_type as PoolType,
          settings: jsonColumn<PoolSettings>(row.pool_settings),
          otpSignIn: row.pool_otp_sign_in === true,
        }
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

/** A pending user made ACTIVE by a code that proved their mailbox (a password reset's, self-service/password-reset.ts). */
export const activateStatement = (userId: string): Statement => ({
  sql: `update users set status = 'ACTIVE', updated_at = now() where id = ? and status = 'PENDING_ACTIVATION'`,
  params: [userId],
});

/**
 * A later registration of a still-unproven email (self-service/registration.ts): its password and profile
 * replace the pending ones. False when the user is pending no more (activated meanwhile).
 */
export async function replacePendingRegistration(em: EntityManager, userId: string, passwordHash: string, profile: Record<string, unknown>): Promise<boolean> {
  const { affectedRows } = await em.execute<{ affectedRows: number }>(
    `update users set password_hash = ?, profile = ?, updated_at = now() where id = ? and status = 'PENDING_ACTIVATION' and last_sign_in_at is null`,
    [passwordHash, JSON.stringify(profile), userId],
    'run',
  );
  return affectedRows > 0;
}

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
// Statements on many users that are no merge (the bulk paths are in user-merge.repository.ts).

/** A pg Pool, a Client or a checked-out PoolClient: one statement per batch needs no dedicated client. */
export type Queryable = Pick<pg.ClientBase, 'query'>;

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

/** UTC days, oldest first, ending today (every day listed, zeros included): the pool activity chart's days. */
const ACTIVITY_DAYS = `generate_series((now() at time zone 'utc')::date - ($2::int - 1), (now() at time zone 'utc')::date, interval '1 day')`;

/** Users migrated out of each pool per UTC day over the last `days` days: `pool` → counts, oldest day first. */
export async function poolMigrationsByDay(db: Queryable, poolIds: readonly string[], days: number): Promise<Map<string, { day: string; count: number }[]>> {
  const { rows } = await db.query(
    `select p.pool, to_char(d.day, 'YYYY-MM-DD') as day, count(u.id)::int as count
     from unnest($1::uuid[]) p(pool) cross join ${ACTIVITY_DAYS} d(day)
     left join users u on u.migrated_from_id = p.pool and u.migrated_at >= d.day at time zone 'utc' and u.migrated_at < (d.day + interval '1 day') at time zone 'utc'
     group by p.pool, d.day order by d.day`,
    [poolIds, days],
  );
  return byPoolAndDay(rows as Row[]);
}

function byPoolAndDay(rows: Row[]): Map<string, { day: string; count: number }[]> {
  const result = new Map<string, { day: string; count: number }[]>();
  for (const row of rows) {
    const list = result.get(row.pool as string) ?? [];
    list.push({ day: row.day as string, count: row.count as number });
    result.set(row.pool as string, list);
  }
  return result;
}

/** Write-back: the id the source gave a user an admin created in its pool. */
export async function setExternalId(db: Queryable, userId: string, externalId: string): Promise<void> {
  await db.query('update users set external_id = $2, updated_at = now() where id = $1 and external_id is null', [userId, externalId]);
}

export async function externalIdOf(db: Queryable, userId: string): Promise<string | null> {
  const { rows } = await db.query('select external_id from users where id = $1', [userId]);
  return rows[0]?.external_id ?? null;
}
