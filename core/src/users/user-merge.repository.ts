/*
 * The users table in bulk: the one path by which a pool's users arrive in numbers (the source import and
 * sync, a file import), and the bulk insert that seeds benchmarks. Single-user statements stay in
 * user.repository.ts. Everything here runs on a `pg` client or pool directly: a million rows never go
 * through the unit of work.
 *
 * The path: rows are COPYed into a staging table of the session (`user_merge_staging`, temporary, so jobs
 * on other connections never see each other's rows), then ONE statement merges a range of them into
 * users, tenants and user_roles. The source import stages a page and merges it in the transaction that
 * checkpoints the page; the file import stages the whole file first (its hash formats are checked on the
 * way, so a refused file writes no user), then merges it in batches, each committed with the job's progress.
 */
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { jsonColumn } from '../db/sql.js';
import { newId } from '../ids.js';
import type { UserStatus } from './user.entity.js';
import type { Queryable } from './user.repository.js';
import { normaliseEmail } from './user.service.js';

/** users.password_hash is varchar(255): a longer hash would fail the whole batch it is merged in. */
export const PASSWORD_HASH_MAX_LENGTH = 255;
/** users.email and users.external_id are varchar(255) too: a longer one is refused per user, never a batch that fails. */
export const IDENTIFIER_MAX_LENGTH = 255;

/** A user to merge into a pool: email normalised, tenant resolved, roles as local ids. */
export interface IncomingUser {
  /** Positive, increasing within a staging: the merge takes rows in this order (a file’s record number, a page’s position). */
  ord: number;
  externalId: string;
  email: string;
  /** Source-owned attributes: replace the user's. */
  profile: Record<string, unknown>;
  /** App-owned data (a file's app_metadata): merged into the user's; `{}` for none. */
  metadata: Record<string, unknown>;
  status: 'ACTIVE' | 'DISABLED';
  /**
   * Any format the verifier knows (a file's, or a source that exports hashes). A user with one becomes
   * local (migrated from the pool), signing in here with the old password; null: the user keeps signing
   * in through the source.
   */
  passwordHash: string | null;
  /** The tenant of a new user (existing users keep theirs, as at sign-in). */
  tenantId: string | null;
  /** Set when the tenant must be created with the user (its name); null when it already exists or there is none. */
  tenantName: string | null;
  /** Local role ids; null when the source says nothing about roles (the user's roles stay). */
  roleIds: string[] | null;
}

export type MergeOutcome = 'created' | 'updated' | 'unchanged' | 'conflict';

export interface MergedUser {
  ord: number;
  externalId: string;
  email: string;
  outcome: MergeOutcome;
  /** The user's row before the merge, for an updated user (the report's diff). */
  before: { email: string; profile: Record<string, unknown>; status: string; roleIds: string[] } | null;
}

// ---------------------------------------------------------------------------------------------------
// Staging

const STAGING = 'user_merge_staging';
const STAGING_COLUMNS = 'ord, external_id, email, profile, metadata, status, password_hash, tenant_id, tenant_name, role_ids';

/**
 * The id a new user gets: a time-ordered UUID (v7, as ids.ts makes them) made by PostgreSQL as the row is staged,
 * the millisecond clock over gen_random_uuid()'s first 48 bits and its version nibble set to 7. Made in JavaScript,
 * it cost about as much as parsing the record.
 */
const UUID_V7 = `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`;

/**
 * Made whenever it is used, not remembered per connection: a staging table created inside a transaction
 * that rolls back (a dry run's savepoint, a failed batch) is gone with it, and the next job on that
 * connection would find no table. `if not exists` costs one catalog lookup per batch.
 */
async function ensureStaging(client: pg.ClientBase): Promise<void> {
  // Unindexed but for its order: it lives as long as the connection, emptied by each use.
  await client.query(`create temp table if not exists ${STAGING} (
    ord integer primary key, id uuid not null default ${UUID_V7}, external_id text not null, email text not null, profile jsonb not null,
    metadata jsonb not null, status text not null, password_hash text, tenant_id text, tenant_name text, role_ids uuid[])`);
}

/** Empties this session's staging (before a new file or page, and after the last merge). */
export async function clearStaging(client: pg.ClientBase): Promise<void> {
  await ensureStaging(client);
  await client.query(`truncate ${STAGING}`);
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A value in COPY's text format. */
const field = (value: string | null): string =>
  value === null ? '\\N' : NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (character) => COPY_ESCAPES[character]!) : value;

/** Role ids (uuids) as a sorted array literal: the merge compares them with the user's, read in the same order. */
const roleOrder = (ids: string[] | null): string | null => (ids ? `{${[...new Set(ids)].sort().join(',')}}` : null);

function copyLine(user: IncomingUser): string {
  return `${user.ord}\t${field(user.externalId)}\t${field(user.email)}\t${field(JSON.stringify(user.profile))}\t${field(
    JSON.stringify(user.metadata),
  )}\t${user.status}\t${field(user.passwordHash)}\t${field(user.tenantId)}\t${field(user.tenantName)}\t${field(roleOrder(user.roleIds))}\n`;
}

/** One COPY into this session's staging, fed batch by batch; the client runs nothing else until it ends. */
export interface StagingWriter {
  /** Resolves once the batch is handed to the connection (waiting only while its buffer is full): reading goes on while PostgreSQL takes rows in. */
  write(users: readonly IncomingUser[]): Promise<void>;
  /** Ends the COPY; resolves when PostgreSQL has every row. */
  end(): Promise<void>;
}

export async function openStaging(client: pg.ClientBase): Promise<StagingWriter> {
  await ensureStaging(client);
  const stream = client.query(copyFrom(`copy ${STAGING} (${STAGING_COLUMNS}) from stdin`));
  let failure: Error | null = null;
  stream.on('error', (error: Error) => (failure ??= error));
  const done = finished(stream);
  done.catch(() => undefined);
  return {
    async write(users) {
      if (failure) throw failure;
      if (users.length === 0) return;
      let text = '';
      for (const user of users) text += copyLine(user);
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async end() {
      if (!stream.writableEnded) stream.end();
      await done;
    },
  };
}

/** COPYs users into this session's staging: one round trip, whatever their number. */
export async function stageUsers(client: pg.ClientBase, users: readonly IncomingUser[]): Promise<void> {
  if (users.length === 0) return;
  const staging = await openStaging(client);
  try {
    await staging.write(users);
  } finally {
    await staging.end();
  }
}

// ---------------------------------------------------------------------------------------------------
// The merge

/*
 * One statement per batch: the staged rows after `$2` (in order, `$3` of them) are each matched to the
 * pool's user of their external id and to any other user holding their email, then created, updated or
 * left, roles linked, tenants made, all as CTEs.
 * - A user another owner holds the email of (a native user, a migrated one, another pool's) is never
 *   overwritten: a conflict. A user migrated from this pool with the same external id is local now and
 *   left alone (unchanged), whatever email the source gives now: their password is theirs, never the
 *   source's again.
 * - A new user is the pool's (pool_id), or, with a password hash, local and migrated from the pool, as a
 *   JIT migration makes them; either way imported_at says the import brought them.
 * - The pool's user is updated when anything differs: email, profile (replaced), status, metadata
 *   (merged), roles (when the row names them), and a hash when they have none (then they become local;
 *   a user with a hash keeps theirs, e.g. the argon2id of a sign-in since). A user with a write-back
 *   change pending is left alone: the admin's edit is newer than what the source says.
 * - Tenants are made only for users this statement created (AUTO_CREATE's own, FROM_ATTRIBUTE's unknown).
 */
const MERGE_STATEMENT = `
with input as (
  select * from ${STAGING} where ord > $2 order by ord limit $3
), classified as (
  select i.*, own.id as own_id, own.email as own_email, own.profile as own_profile, own.status as own_status,
         own.metadata as own_metadata, own.password_hash as own_hash,
         case when i.role_ids is not null and own.id is not null then
           array(select ur.role_id from user_roles ur where ur.user_id = own.id order by ur.role_id)
         end as own_roles,
         other.id as other_id, migrated_user.id is not null as migrated
  from input i
  -- Each a probe of an index, per row: \`limit 1\` keeps the planner from turning them into hash joins over all
  -- users (it would, on the stale row counts of a table an import is filling).
  left join lateral (select u.id, u.email, u.profile, u.status, u.metadata, u.password_hash from users u
                     where u.pool_id = $1 and u.external_id = i.external_id limit 1) own on true
  left join lateral (select u.id from users u
                     where u.email = i.email and u.id is distinct from own.id limit 1) other on true
  -- By source id, not email: a migrated user whose email changed at the source is still theirs, never made twice.
  left join lateral (select u.id from users u where u.migrated_from_id = $1 and u.external_id = i.external_id limit 1) migrated_user on true
), created as (
  insert into users (id, email, status, tenant_id, profile, metadata, pool_id, migrated_from_id, external_id, password_hash, migrated_at, imported_at, created_at, updated_at)
  select id, email, status, tenant_id, profile, metadata,
    case when password_hash is null then $1::uuid end, case when password_hash is not null then $1::uuid end,
    external_id, password_hash, case when password_hash is not null then now() end, now(), now(), now()
  from classified where own_id is null and other_id is null and not migrated
  on conflict do nothing
  returning id
), tenants_made as (
  insert into tenants (id, name, metadata, created_at, updated_at)
  select distinct on (c.tenant_id) c.tenant_id, c.tenant_name, '{}', now(), now()
  from classified c join created k on k.id = c.id where c.tenant_name is not null
  on conflict (id) do nothing
  returning id
), changed as (
  select c.own_id, c.email, c.profile, c.metadata, c.status, c.password_hash, c.own_hash from classified c
  where c.own_id is not null and c.other_id is null
    and (c.email <> c.own_email or c.profile <> c.own_profile or c.status <> c.own_status or not (c.own_metadata @> c.metadata)
         or (c.password_hash is not null and c.own_hash is null) or (c.role_ids is not null and c.role_ids <> c.own_roles))
    and not exists (select 1 from write_back_outbox o where o.user_id = c.own_id and o.delivered_at is null)
), updated as (
  update users u set email = c.email, profile = c.profile, metadata = u.metadata || c.metadata, status = c.status,
    password_hash = coalesce(u.password_hash, c.password_hash),
    pool_id = case when c.own_hash is null and c.password_hash is not null then null else u.pool_id end,
    migrated_from_id = case when c.own_hash is null and c.password_hash is not null then $1::uuid else u.migrated_from_id end,
    migrated_at = case when c.own_hash is null and c.password_hash is not null then now() else u.migrated_at end,
    updated_at = now()
  from changed c where u.id = c.own_id
  returning u.id
), roles_dropped as (
  delete from user_roles ur using changed ch join classified c on c.own_id = ch.own_id
  where ur.user_id = c.own_id and c.role_ids is not null and ur.role_id <> all (c.role_ids)
  returning 1
), roles_linked as (
  insert into user_roles (user_id, role_id)
  select coalesce(c.own_id, c.id), r.role_id::uuid
  from classified c cross join lateral unnest(c.role_ids) as r(role_id)
  where c.role_ids is not null and (c.own_id in (select own_id from changed) or c.id in (select id from created))
  on conflict do nothing
  returning 1
)
select c.ord, c.external_id, c.email, outcome,
  case when outcome = 'updated' then c.own_email end as own_email, case when outcome = 'updated' then c.own_profile end as own_profile,
  case when outcome = 'updated' then c.own_status end as own_status, case when outcome = 'updated' then c.own_roles end as own_roles
from classified c cross join lateral (select case
    when c.own_id is not null and c.other_id is not null then 'conflict'
    when c.own_id is not null then case when c.own_id in (select own_id from changed) then 'updated' else 'unchanged' end
    when c.migrated then 'unchanged'
    when c.other_id is not null then 'conflict'
    when c.id in (select id from created) then 'created'
    else 'conflict'
  end as outcome) o
order by c.ord`;

type Row = Record<string, unknown>;

/**
 * Merges up to `limit` staged rows after `afterOrd` into the pool (see MERGE_STATEMENT); one round trip.
 * The outcome of each, in order (empty when none is left).
 */
export async function mergeStaged(client: pg.ClientBase, poolId: string, afterOrd: number, limit: number): Promise<MergedUser[]> {
  // The statement's cost estimate is past jit_above_cost, but compiling its ~200 functions costs more than it saves.
  await client.query('set local jit = off');
  const { rows } = await client.query(MERGE_STATEMENT, [poolId, afterOrd, limit]);
  return rows.map((row: Row) => ({
    ord: row.ord as number,
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
            roleIds: (row.own_roles as string[] | null) ?? [],
          },
  }));
}

/** Row counts for the planner once a whole file is staged: batches then read the staging by its order's index, not by a scan and sort of all of it. */
export async function analyzeStaging(client: pg.ClientBase): Promise<void> {
  await client.query(`analyze ${STAGING}`);
}

/** Stages one batch and merges it (a page of a source), on a client inside the caller's transaction. */
export async function mergeUsers(client: pg.ClientBase, poolId: string, users: readonly IncomingUser[]): Promise<MergedUser[]> {
  if (users.length === 0) return [];
  await clearStaging(client);
  await stageUsers(client, users);
  const merged = await mergeStaged(client, poolId, 0, users.length);
  await client.query(`truncate ${STAGING}`);
  return merged;
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

// ---------------------------------------------------------------------------------------------------
// Seeding: users of any pools and tenants written as they are (benchmarks, fixtures); no merge.

/** One user to insert: ids of tenant, pool and roles must already exist. */
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

export const BULK_BATCH_SIZE = 5000;

/*
 * Each batch is ONE parameterised statement whose arrays unnest into rows: the users insert and the
 * user_roles insert are CTEs of the same statement, so a batch is atomic and roles are linked only to
 * users actually inserted (`on conflict (email) do nothing` skips taken emails). Other unique violations
 * (pool_id + external_id) fail the batch.
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
