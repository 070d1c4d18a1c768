/*
 * The mail_outbox table: every statement on it. A mail is queued through the caller's EntityManager (in
 * its transaction when it has one); the delivery job reads and deletes through the `pg` pool.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Queryable } from '../users/user.repository.js';

/** Channel of the notice a queued mail sends at its commit (mail/mail-notices.ts listens). */
export const MAIL_CHANNEL = 'tributary_mail';

export interface NewMailRow {
  id: string;
  poolId: string | null;
  recipient: string;
  template: string;
  sealedVars: string;
  ttlSeconds: number;
}

export interface MailRow {
  id: string;
  poolId: string | null;
  recipient: string;
  template: string;
  sealedVars: string;
  expired: boolean;
}

/** The row, and a notice that PostgreSQL sends only if and when the transaction commits. */
export async function insertMail(em: EntityManager, mail: NewMailRow): Promise<void> {
  await em.execute(
    `with queued as (
       insert into mail_outbox (id, pool_id, recipient, template, sealed_vars, created_at, expires_at)
       values (?, ?, ?, ?, ?, now(), now() + make_interval(secs => ?)) returning id)
     select pg_notify(?, id::text) from queued`,
    [mail.id, mail.poolId, mail.recipient, mail.template, mail.sealedVars, mail.ttlSeconds, MAIL_CHANNEL],
  );
}

export async function findMail(db: Queryable, id: string): Promise<MailRow | null> {
  const { rows } = await db.query('select id, pool_id, recipient, template, sealed_vars, expires_at <= now() as expired from mail_outbox where id = $1', [id]);
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, poolId: row.pool_id, recipient: row.recipient, template: row.template, sealedVars: row.sealed_vars, expired: row.expired };
}

/** Delivered (or dropped): the row goes, and with it the sealed code. */
export async function deleteMail(db: Queryable, id: string): Promise<void> {
  await db.query('delete from mail_outbox where id = $1', [id]);
}

/** The error is the transport's, never the mail's content. */
export async function markMailFailed(db: Queryable, id: string, error: string): Promise<void> {
  await db.query('update mail_outbox set attempts = attempts + 1, last_error = $2 where id = $1', [id, error.slice(0, 500)]);
}

/** Mails still to deliver, oldest first (the minute tick hands them to the queue again, whatever became of their job). */
export async function pendingMail(db: Queryable, limit = 500): Promise<string[]> {
  const { rows } = await db.query('select id from mail_outbox order by created_at limit $1', [limit]);
  return rows.map((row: { id: string }) => row.id);
}
