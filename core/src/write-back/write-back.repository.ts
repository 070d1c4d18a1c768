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
}

export interface WriteBackStatus {
  pending: boolean;
  lastError: string | null;
}

/** The user's oldest undelivered change: changes go to the source one at a time, in the order they were made. */
export async function nextPending(db: Queryable, userId: string): Promise<OutboxRow | null> {
  const { rows } = await db.query(
    `select id, pool_id, user_id, external_id, action, payload from write_back_outbox where user_id = $1 and delivered_at is null order by seq limit 1`,
    [userId],
  );
  const row = rows[0];
  if (!row) return null;
  const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
  return { id: row.id, poolId: row.pool_id, userId: row.user_id, externalId: row.external_id, action: row.action, payload };
}

/** Delivered: the sealed password of a create is dropped with it (the source has it now). */
export async function markDelivered(db: Queryable, id: string): Promise<void> {
  await db.query(
    `update write_back_outbox set delivered_at = now(), last_error = null, attempts = attempts + 1, payload = payload - 'password' where id = $1`,
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

/** Users with changes still to deliver (the minute tick hands them to the queue again, whatever became of their job). */
export async function usersWithPending(db: Queryable, limit = 500): Promise<string[]> {
  const { rows } = await db.query(`select distinct user_id from write_back_outbox where delivered_at is null limit $1`, [limit]);
  return rows.map((row: any) => row.user_id);
}

/** Per user: whether a change waits for the source, and the error of its latest failed attempt. */
export async function writeBackStatus(db: Queryable, userIds: readonly string[]): Promise<Map<string, WriteBackStatus>> {
  const { rows } = await db.query(
    `select distinct on (user_id) user_id, last_error from write_back_outbox where user_id = any($1::uuid[]) and delivered_at is null order by user_id, seq`,
    [userIds],
  );
  const byUser = new Map<string, WriteBackStatus>(userIds.map((id) => [id, { pending: false, lastError: null }]));
  for (const row of rows as any[]) byUser.set(row.user_id, { pending: true, lastError: row.last_error });
  return byUser;
}
