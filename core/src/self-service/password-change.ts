import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog, type AuditRecord } from '../audit/audit.service.js';
import { executeTogether } from '../db/statements.js';
import { AccessDenied, InvalidCredentials, InvalidToken, TooManyAttempts } from '../errors/index.js';
import { assertPasswordAllowed } from '../passwords/policy.js';
import { burnDummyVerification, verifyPassword } from '../passwords/verifier.js';
import { failureStatement, inconclusiveStatements, successStatements } from '../sign-in/throttle.js';
import { familyIsLive } from '../tokens/refresh-token.repository.js';
import { signsInHere } from '../users/user.entity.js';
import { findUserForSignIn } from '../users/user.repository.js';
import { newPasswordStatements, passwordPolicyOf, reserveAttempt, type CredentialDeps } from './local-credentials.js';

export interface PasswordChangeRequest {
  /** The bearer access token of the session the change is made in. */
  accessToken: string | undefined;
  currentPassword: string;
  newPassword: string;
  ip: string;
}

/**
 * `POST /auth/password/change`: a signed-in user (a live access token of a session still open) replaces
 * their password, proving the current one. Wrong current passwords count on the sign-in's throttle. The
 * session the change is made in stays; every other refresh-token family of the user is revoked in the
 * same statement as the new hash.
 */
export async function changePassword(em: EntityManager, deps: CredentialDeps, request: PasswordChangeRequest): Promise<void> {
  const session = request.accessToken ? await deps.tokens.verifyAccessToken(request.accessToken) : null;
  if (!session) throw new InvalidToken('the access token is missing, invalid or expired');
  const user = await findUserForSignIn(em, session.userId);
  // A reset or an admin's new password ended the session: its access token no longer changes anything.
  if (!user || user.status !== 'ACTIVE' || !(await familyIsLive(em, session.familyId, user.id))) {
    throw new InvalidToken('the session of this access token has ended');
  }
  const audit = (outcome: string, details: Record<string, unknown> = {}): AuditRecord => ({
    actor: `user:${user.id}`,
    action: 'password-change',
    target: user.email,
    outcome,
    details: { ip: request.ip, ...details },
  });
  if (!signsInHere(user)) {
    await new AuditLog(em, deps.logger).record(audit('access_denied', { pool: user.pool!.id }));
    throw new AccessDenied('the password of this account is kept by its identity provider: change it there');
  }
  await assertPasswordAllowed(request.newPassword, { email: user.email, policy: passwordPolicyOf(user) });
  const { retryAfter, reservation } = await reserveAttempt(em, user.email, request.ip);
  if (retryAfter > 0) {
    await new AuditLog(em, deps.logger).record(audit('too_many_attempts'));
    throw new TooManyAttempts('too many failed attempts; try again later', { retryAfterSeconds: retryAfter });
  }
  let ok: boolean;
  try {
    if (user.passwordHash) ok = (await verifyPassword(user.passwordHash, request.currentPassword)).ok;
    else ok = await burnDummyVerification(request.currentPassword).then(() => false);
  } catch (error) {
    await executeTogether(em, inconclusiveStatements(reservation));
    throw error;
  }
  if (!ok) {
    await executeTogether(em, [failureStatement(reservation), AuditLog.statement(audit('invalid_credentials'))]);
    throw new InvalidCredentials();
  }
  await executeTogether(em, [
    ...(await newPasswordStatements(user.id, request.newPassword, session.familyId)),
    AuditLog.statement(audit('ok', { keptSession: session.familyId })),
    ...successStatements(reservation),
  ]);
}
