import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog, type AuditRecord } from '../audit/audit.service.js';
import { executeTogether } from '../db/statements.js';
import { InvalidCode, TooManyAttempts } from '../errors/index.js';
import { verifyCode, type CodeCheck } from '../one-time-codes/one-time-codes.js';
import { failureStatement, successStatements } from '../sign-in/throttle.js';
import { User } from '../users/user.entity.js';
import { userWithRelations } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { reserveAttempt } from './local-credentials.js';
import { queueActivation } from './native-rules.js';
import { countMailRequest, type RegistrationDeps } from './registration.js';

/** A user who can be activated by code: PENDING_ACTIVATION in a NATIVE pool. */
const activatable = (user: User | null): user is User & { pool: NonNullable<User['pool']> } =>
  Boolean(user && user.status === 'PENDING_ACTIVATION' && user.pool?.type === 'NATIVE');

/**
 * `POST /auth/activation/send`: a new code for a PENDING_ACTIVATION user of a NATIVE pool (the old one
 * stops working). The caller is answered `202` whatever happens here (the route answers first), and the
 * request counts on the mail throttle whether or not the email has an account.
 */
export async function sendActivation(em: EntityManager, deps: RegistrationDeps, request: { email: string; ip: string }): Promise<void> {
  const email = normaliseEmail(request.email);
  const record = (outcome: string, userId: string | null, details: Record<string, unknown> = {}) =>
    new AuditLog(em, deps.logger).record({
      actor: userId ? `user:${userId}` : 'anonymous',
      action: 'activation-send',
      target: email,
      outcome,
      details: { ip: request.ip, ...details },
    });
  const wait = await countMailRequest(em, email, request.ip);
  if (wait > 0) return record('too_many_attempts', null, { retryAfterSeconds: wait });
  const user = await userWithRelations(em, { email });
  if (!activatable(user)) return record('not_mailed', user?.id ?? null, user ? { reason: user.status } : {});
  await em.transactional((tx) => queueActivation(tx, deps.box, { id: user.id, email }, user.pool));
  return record('ok', user.id);
}

/**
 * `POST /auth/activation/verify`: the mailed code makes the user ACTIVE. The code is spent and the status
 * changed in one transaction. Every "no" (unknown email, a user not pending, a wrong, expired or
 * exhausted code) is the same `400 invalid_code`, and counts on the sign-in's failed-attempt throttle:
 * a code is guessed like a password, on the same limits.
 */
export async function verifyActivation(
  em: EntityManager,
  deps: RegistrationDeps,
  request: { email: string; code: string; ip: string },
): Promise<{ status: 'ACTIVE' }> {
  const email = normaliseEmail(request.email);
  const event = (outcome: string, userId: string | null, details: Record<string, unknown> = {}): AuditRecord => ({
    actor: userId ? `user:${userId}` : 'anonymous',
    action: 'activation',
    target: email,
    outcome,
    details: { ip: request.ip, ...details },
  });
  const { retryAfter: wait, reservation } = await reserveAttempt(em, email, request.ip);
  if (wait > 0) {
    await new AuditLog(em, deps.logger).record(event('too_many_attempts', null));
    throw new TooManyAttempts('too many failed attempts; try again later', { retryAfterSeconds: wait });
  }
  const user = await userWithRelations(em, { email });
  let check: CodeCheck | 'not_pending' = 'not_pending';
  if (activatable(user)) {
    check = await em.transactional(async (tx) => {
      const outcome = await verifyCode(tx, { userId: user.id, purpose: 'ACTIVATION', code: request.code }, deps.box);
      if (outcome === 'consumed') await tx.nativeUpdate(User, { id: user.id, status: 'PENDING_ACTIVATION' }, { status: 'ACTIVE' });
      return outcome;
    });
  }
  if (check === 'consumed') {
    await executeTogether(em, [...successStatements(reservation), AuditLog.statement(event('ok', user!.id))]);
    return { status: 'ACTIVE' };
  }
  await executeTogether(em, [
    failureStatement(reservation),
    AuditLog.statement(
      event(
        check === 'not_pending' ? 'invalid_code' : `invalid_code:${check}`,
        user?.id ?? null,
        user && check === 'not_pending' ? { reason: user.status } : {},
      ),
    ),
  ]);
  throw new InvalidCode({ details: { check } });
}
