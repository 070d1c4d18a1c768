import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog, type AuditRecord } from '../audit/audit.service.js';
import { executeTogether } from '../db/statements.js';
import { ApiError, InvalidCode, TooManyAttempts } from '../errors/index.js';
import { assertPasswordAllowed } from '../passwords/policy.js';
import { failureStatement, inconclusiveStatements, successStatements } from '../sign-in/throttle.js';
import { verifyCode } from '../one-time-codes/one-time-codes.js';
import { signsInHere } from '../users/user.entity.js';
import { activateStatement, userWithRelations } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { countMailRequest } from './registration.js';
import { mailCode, newPasswordStatements, passwordPolicyOf, reserveAttempt, type CredentialDeps } from './local-credentials.js';

/**
 * `POST /auth/password/reset/start`: mails a reset code to an active user whose password Tributary
 * keeps; nobody else gets anything, and the caller is answered `202` before any of this runs (the
 * route), so neither the answer nor its timing tells whether the email has an account. Each request
 * counts on the mail throttle (registration.ts), account or not: nobody can flood an inbox with codes.
 */
export async function startPasswordReset(em: EntityManager, deps: CredentialDeps, request: { email: string; ip: string }): Promise<void> {
  const email = normaliseEmail(request.email);
  const wait = await countMailRequest(em, email, request.ip);
  const user = wait > 0 ? null : await userWithRelations(em, { email });
  const mailed = Boolean(user && resettable(user));
  if (mailed) await mailCode(em, deps.box, user!, 'PASSWORD_RESET', 'password-reset');
  const reason =
    wait > 0 ? { retryAfterSeconds: wait } : user && !mailed ? { reason: user.status === 'DISABLED' ? user.status : 'password kept by the user’s pool' } : {};
  await new AuditLog(em, deps.logger).record({
    actor: user ? `user:${user.id}` : 'anonymous',
    action: 'password-reset-start',
    target: email,
    outcome: wait > 0 ? 'too_many_attempts' : mailed ? 'ok' : 'not_mailed',
    details: { ip: request.ip, ...reason },
  });
}

/**
 * A password kept here, of a user who may sign in with it (a disabled native pool signs none of its users
 * in). A user still PENDING_ACTIVATION may reset too, and the reset activates them: the code proves the
 * mailbox as an activation code does, and the mailbox's owner ends up with a password of their own even
 * when someone else registered their email first (account pre-hijacking).
 */
const resettable = (user: { status: string; pool?: { type: string; enabled: boolean } | null }): boolean =>
  (user.status === 'ACTIVE' || user.status === 'PENDING_ACTIVATION') && signsInHere(user) && (!user.pool || user.pool.enabled);

export interface PasswordResetFinish {
  email: string;
  code: string;
  newPassword: string;
  ip: string;
}

/**
 * `POST /auth/password/reset/finish`: the mailed code and a new password. Every failure that says "no"
 * (unknown email, a user without a password here, a wrong, expired or exhausted code) is the same
 * `400 invalid_code`, counted on the sign-in's throttle and held to the sign-in's failure floor. The
 * policy is checked only once the code is right, inside the transaction that spends it: a refused
 * password keeps the code (rolled back) and answers `weak_password` to the code's holder alone, so it
 * cannot be used to probe which emails have accounts.
 */
export async function finishPasswordReset(em: EntityManager, deps: CredentialDeps, request: PasswordResetFinish): Promise<void> {
  const started = performance.now();
  const email = normaliseEmail(request.email);
  const event = (userId: string | null, outcome: string, details: Record<string, unknown> = {}): AuditRecord => ({
    actor: userId ? `user:${userId}` : 'anonymous',
    action: 'password-reset',
    target: email,
    outcome,
    details: { ip: request.ip, ...details },
  });
  const { retryAfter, reservation } = await reserveAttempt(em, email, request.ip);
  if (retryAfter > 0) {
    await new AuditLog(em, deps.logger).record(event(null, 'too_many_attempts'));
    throw new TooManyAttempts('too many failed attempts; try again later', { retryAfterSeconds: retryAfter });
  }
  const user = await userWithRelations(em, { email });
  let check = 'no_user';
  try {
    if (user && resettable(user)) {
      check = await em.transactional(async (tx) => {
        const outcome = await verifyCode(tx, { userId: user.id, purpose: 'PASSWORD_RESET', code: request.code }, deps.box);
        if (outcome !== 'consumed') return outcome;
        // Throws WeakPassword: the transaction rolls back and the code stays live.
        await assertPasswordAllowed(request.newPassword, { email, policy: passwordPolicyOf(user) });
        const writes = [
          ...(await newPasswordStatements(user.id, request.newPassword)),
          ...(user.status === 'PENDING_ACTIVATION' ? [activateStatement(user.id)] : []),
          AuditLog.statement(event(user.id, 'ok', user.status === 'PENDING_ACTIVATION' ? { activated: true } : {})),
          ...successStatements(reservation),
        ];
        for (const write of writes) await tx.execute(write.sql, write.params);
        return outcome;
      });
    }
  } catch (error) {
    await executeTogether(em, [
      ...inconclusiveStatements(reservation),
      AuditLog.statement(event(user?.id ?? null, error instanceof ApiError ? error.code : 'error')),
    ]);
    throw error;
  }
  if (check === 'consumed') return;
  await executeTogether(em, [failureStatement(reservation), AuditLog.statement(event(user?.id ?? null, 'invalid_code', { reason: check }))]);
  await deps.failureFloor?.hold('local', started, false);
  throw new InvalidCode({ details: { reason: check } });
}
