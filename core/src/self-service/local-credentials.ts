import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type Statement } from '../db/statements.js';
import { queueMail } from '../mail/outbox.js';
import type { MailTemplateKey } from '../mail/templates.js';
import { CODE_TTL_MINUTES, issueCode, type CodePurpose } from '../one-time-codes/one-time-codes.js';
import { hashPassword } from '../passwords/argon2id.js';
import type { PasswordPolicy } from '../passwords/policy.js';
import { nativeConfigOf } from '../pools/native-config.js';
import type { UserPool } from '../pools/pool.entity.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { SignInDeps } from '../sign-in/sign-in.service.js';
import { reserveStatement, type Reservation } from '../sign-in/throttle.js';
import { revokeUserFamiliesStatement } from '../tokens/refresh-token.repository.js';
import type { User } from '../users/user.entity.js';
import { newPasswordStatement } from '../users/user.repository.js';

/*
 * What the password and one-time-code flows share, for users whose credentials Tributary keeps
 * (users/user.entity.ts `signsInHere`): the policy that applies to them, the writes of a new password,
 * the mail that carries a code, and the sign-in's throttle.
 */

/** What the password and code routes need: the sign-in's own dependencies (one-time-code sign-in runs its pipeline), and the box codes and mails are sealed with. */
export interface CredentialDeps extends SignInDeps {
  box: SecretBox;
}

/** The password policy of the user's NATIVE pool; local users without one get the default (NIST minimums). */
export function passwordPolicyOf(user: { pool?: Pick<UserPool, 'type' | 'config'> | null }): PasswordPolicy | undefined {
  return user.pool?.type === 'NATIVE' ? nativeConfigOf(user.pool).passwordPolicy : undefined;
}

/**
 * The writes that give a user a new password: the argon2id hash, and every refresh-token family revoked
 * but `keepFamilyId` (the session a password change was made in). One round trip with the caller's
 * other writes (`executeTogether`), so the password never changes without the sessions ending.
 */
export async function newPasswordStatements(userId: string, password: string, keepFamilyId: string | null = null): Promise<Statement[]> {
  return [newPasswordStatement(userId, await hashPassword(password)), revokeUserFamiliesStatement(userId, keepFamilyId)];
}

/**
 * Reserves an attempt on the sign-in's own failed-attempt counters (sign-in/throttle.ts): a wrong current
 * password, reset code or sign-in code counts against the same account and address limits as a wrong
 * password at sign-in, so switching endpoints buys a guesser nothing. `retryAfter` > 0: refused.
 */
export async function reserveAttempt(em: EntityManager, email: string, ip: string): Promise<{ retryAfter: number; reservation: Reservation }> {
  const { sql, params } = reserveStatement(email, ip);
  const [row] = await query<{ throttle_wait: number | null; account_counted: boolean }>(em, sql, params);
  return { retryAfter: Math.max(0, Number(row?.throttle_wait ?? 0)), reservation: { email, ip, accountCounted: row?.account_counted === true } };
}

/**
 * A new code for `purpose` (replacing the user's live one) and the mail that carries it, in one
 * transaction: the mail exists exactly when its code does, and is delivered by the mail job (never
 * on the request). The user's NATIVE pool's templates apply.
 */
export async function mailCode(em: EntityManager, box: SecretBox, user: User, purpose: CodePurpose, template: MailTemplateKey): Promise<void> {
  await em.transactional(async (tx) => {
    const code = await issueCode(tx, { userId: user.id, purpose }, box);
    await queueMail(
      tx,
      {
        to: user.email,
        template,
        poolId: user.pool?.type === 'NATIVE' ? user.pool.id : null,
        vars: { code, expiresInMinutes: CODE_TTL_MINUTES, email: user.email },
        ttlMinutes: CODE_TTL_MINUTES,
      },
      box,
    );
  });
}
