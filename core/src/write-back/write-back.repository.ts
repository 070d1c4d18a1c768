/*
 * The write_back_outbox table: every statement on it. Rows are written by the users service (through
 * the WriteBackItem entity, in the flush of the change) and read here by the delivery and the admin API.
 */
import type { Queryable } from '../users/user.repository.js';
import type { WriteBackAction } from './write-back.entity.js';

export interface OutboxRow {
  id: string;
  poolId: string;
  userId: string;
  externalId: string | null;
  action: WriteBackAction;
  payload: Record<string, unknown>;
  /** The source refused this change: it waits for an admin (retryWriteBack, discardWriteBack). */
  rejected: boolean;
  lastError: string | null;
}

export interface WriteBackStatus {
  pending: boolean;
  lastError: string | null;
  blocked: boolean;
}

const toRow = (row: any): OutboxRow => ({
  id: row.id,
  poolId: row.pool_id,
  userId: row.user_id,
  externalId: row.external_id,
  action: row.action,
  payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
  rejected: row.rejected_at !== null,
  lastError: row.last_error,
});

/** The user's oldest undelivered change: changes go to the source one at a time, in the order they were made. */
export async function nextPending(db: Queryable, userId: string): Promise<OutboxRow | null> {
  const { rows } = await db.query(
    `select id, pool_id, user_id, external_id, action, payload, rejected_at, last_error from write_back_outbox
     where user_id = $1 and delivered_at is null order by seq limit 1`,
    [userId],
  );
  return rows[0] ? toRow(rows[0]) : null;
}

/** Delivered: the sealed password of a create is dropped with it (the source has it now). */
export async function markDelivered(db: Queryable, id: string): Promise<void> {
  await db.query(
    `update write_back_outbox set delivered_at = now(), last_error = null, rejected_at = null, attempts = attempts + 1, payload = payload - 'password' where id = $1`,
    [id],
  );
}

/** The source created the user: its id is the one later changes (and a delete of the local row) address. */
export async function fillExternalId(db: Queryable, userId: string, externalId: string): Promise<void> {
  await db.query(`update write_back_outbox set external_id = $2 where user_id = $1 and external_id is null and delivered_at is null`, [userId, externalId]);
}

export async function markFailed(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(`update write_back_outbox set attempts = attempts + 1, last_error = $2 where id = $1`, [id, error]);
}

/** Refused by the source: kept (pending, with the error) but no longer sent by itself. */
export async function markRejected(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(`update write_back_outbox set attempts = attempts + 1, last_error = $2, rejected_at = now() where id = $1`, [id, error]);
}

/** An admin's retry: the user's refused change is sent again, and the ones behind it after it. */
export async function clearRejected(db: Queryable, userId: string): Promise<number> {
  const { rowCount } = await db.query(
    `update write_back_outbox set rejected_at = null where user_id = $1 and delivered_at is null and rejected_at is not null`,
    [userId],
  );
  return rowCount ?? 0;
}

/** Changes an admin gave up on: gone from the outbox (the audit log keeps that they were discarded). */
export async function deleteItems(db: Queryable, ids: readonly string[]): Promise<void> {
  await db.query(`delete from write_back_outbox where id = any($1::uuid[]) and delivered_at is null`, [ids]);
}

/** Every undelivered change of the user, oldest first. */
export async function pendingOf(db: Queryable, userId: string, lock = false): Promise<OutboxRow[]> {
  const { rows } = await db.query(
    `select id, pool_id, user_id, external_id, action, payload, rejected_at, last_error from write_back_outbox
     where user_id = $1 and delivered_at is null order by seq${lock ? ' for update' : ''}`,
    [userId],
  );
  return rows.map(toRow);
}

/**
 * Users with changes still to deliver (the minute tick hands them to the queue again, whatever became of
 * their job), except those held by a refused change: only an admin sends those again.
 */
export async function usersWithPending(db: Queryable, limit = 500): Promise<string[]> {
  const { rows } = await db.query(
    `select distinct user_id from write_back_outbox pending where delivered_at is null
     and not exists (select 1 from write_back_outbox refused where refused.user_id = pending.user_id and refused.delivered_at is null and refused.rejected_at is not null)
     limit $1`,
    [limit],
  );
  return rows.map((row: any) => row.user_id);
}

/** Per user: whether a change waits for the source, the error of its latest failed attempt, and whether the source refused it. */
export async function writeBackStatus(db: Queryable, userIds: readonly string[]): Promise<Map<string, WriteBackStatus>> {
  const { rows } = await db.query(
    `select distinct on (user_id) user_id, last_error, rejected_at from write_back_outbox where user_id = any($1::uuid[]) and delivered_at is null order by user_id, seq`,
    [userIds],
  );
  const byUser = new Map<string, WriteBackStatus>(userIds.map((id) => [id, { pending: false, lastError: null, blocked: false }]));
  for (const row of rows as any[]) byUser.set(row.user_id, { pending: true, lastError: row.last_error, blocked: row.rejected_at !== null });
  return byUser;
}
