/*
 * The one_time_codes table: every statement on it. Through the caller's EntityManager (`em.execute`), so
 * a code is written and spent in the caller's transaction when it has one.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export const CODE_PURPOSES = ['ACTIVATION', 'PASSWORD_RESET', 'OTP_SIGN_IN'] as const;
export type CodePurpose = (typeof CODE_PURPOSES)[number];

export interface StoredCode {
  digest: string;
  attempts: number;
  expired: boolean;
}

/** The new code replaces the live one of its purpose (the primary key): one live code per purpose per user. */
export async function upsertCode(em: EntityManager, userId: string, purpose: CodePurpose, digest: string, ttlSeconds: number): Promise<void> {
  await em.execute(
    `insert into one_time_codes (user_id, purpose, code_digest, attempts, created_at, expires_at)
     values (?, ?, ?, 0, now(), now() + make_interval(secs => ?))
     on conflict (user_id, purpose) do update
       set code_digest = excluded.code_digest, attempts = 0, created_at = excluded.created_at, expires_at = excluded.expires_at`,
    [userId, purpose, digest, ttlSeconds],
  );
}

/** The live code, locked until the caller's transaction ends: concurrent checks of one code queue here. */
export async function lockCode(em: EntityManager, userId: string, purpose: CodePurpose): Promise<StoredCode | null> {
  const rows = await em.execute<{ code_digest: string; attempts: number; expired: boolean }[]>(
    'select code_digest, attempts, expires_at <= now() as expired from one_time_codes where user_id = ? and purpose = ? for update',
    [userId, purpose],
  );
  const row = rows[0];
  return row ? { digest: row.code_digest, attempts: Number(row.attempts), expired: row.expired } : null;
}

export async function deleteCode(em: EntityManager, userId: string, purpose: CodePurpose): Promise<void> {
  await em.execute('delete from one_time_codes where user_id = ? and purpose = ?', [userId, purpose]);
}

export async function countWrongAttempt(em: EntityManager, userId: string, purpose: CodePurpose): Promise<void> {
  await em.execute('update one_time_codes set attempts = attempts + 1 where user_id = ? and purpose = ?', [userId, purpose]);
}
