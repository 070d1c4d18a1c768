import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog } from '../audit/audit.service.js';
import { InvalidCode } from '../errors/index.js';
import { verifyCode } from '../one-time-codes/one-time-codes.js';
import { nativeConfigOf } from '../pools/native-config.js';
import type { UserPool } from '../pools/pool.entity.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { SignInService, type SignInFactor } from '../sign-in/sign-in.service.js';
import type { TokenSet } from '../tokens/token.service.js';
import type { User } from '../users/user.entity.js';
import { userWithRelations } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { mailCode, type CredentialDeps } from './local-credentials.js';
import { countMailRequest } from './registration.js';

/**
 * Whether a user may sign in with a mailed code: a user of a NATIVE pool whose config turns `otpSignIn`
 * on. Users stored externally never may (DESIGN §4 rule 7: their source, not a mailbox, vouches for
 * them), and neither may local users outside a native pool: `otpSignIn` is a pool's opt-in, off by
 * default, and they have no pool to opt them in (an admin who wants it moves them into a native pool).
 * A disabled pool signs none of its users in, by code neither.
 */
export function otpSignInAllowed(user: { pool?: Pick<UserPool, 'type' | 'config' | 'enabled'> | null }): boolean {
  return user.pool?.type === 'NATIVE' && user.pool.enabled && nativeConfigOf(user.pool).otpSignIn;
}

/**
 * `POST /auth/otp/start`: mails a sign-in code to an active user who may use one; the caller is
 * answered `202` before this runs (the route), whoever the email belongs to. Each request counts on the
 * mail throttle (registration.ts), whether or not the email has an account.
 */
export async function startOtpSignIn(em: EntityManager, deps: CredentialDeps, request: { email: string; ip: string }): Promise<void> {
  const email = normaliseEmail(request.email);
  const record = (outcome: string, user: User | null, details: Record<string, unknown> = {}) =>
    new AuditLog(em, deps.logger).record({
      actor: user ? `user:${user.id}` : 'anonymous',
      action: 'otp-start',
      target: email,
      outcome,
      details: { ip: request.ip, ...details },
    });
  const wait = await countMailRequest(em, email, request.ip);
  if (wait > 0) return record('too_many_attempts', null, { retryAfterSeconds: wait });
  const user = await userWithRelations(em, { email });
  if (!user || user.status !== 'ACTIVE' || !otpSignInAllowed(user)) {
    return record('not_mailed', user, user ? { reason: user.status === 'ACTIVE' ? 'one-time codes are not open to this user' : user.status } : {});
  }
  await mailCode(em, deps.box, user, 'OTP_SIGN_IN', 'otp-sign-in');
  return record('ok', user);
}

/**
 * `POST /auth/otp/verify`: the mailed code signs the user in through the password sign-in's own
 * pipeline (throttle, beforeSignIn / afterAuthentication / beforeTokenIssue prehooks, audit, tokens),
 * with `amr: ["otp"]`. An unknown email, a user who may not use codes (stored externally, or whose pool
 * does not allow it) and a wrong, expired or exhausted code all get the same `400 invalid_code`.
 */
export function verifyOtpSignIn(em: EntityManager, deps: CredentialDeps, request: { email: string; code: string; ip: string }): Promise<TokenSet> {
  return new SignInService(em, deps).signInWith({ email: request.email, ip: request.ip, factor: otpFactor(em, deps.box, request.code) });
}

/** The mailed code as a sign-in factor: also the hosted login's (openid-provider/), through SignInService.authenticate. */
export function otpFactor(em: EntityManager, box: SecretBox, code: string): SignInFactor {
  return {
    amr: 'otp',
    async verify(user) {
      if (!user || user.status !== 'ACTIVE' || !otpSignInAllowed(user)) {
        throw new InvalidCode({ details: { reason: user ? 'one-time codes are not open to this user' : 'no such user' } });
      }
      const outcome = await verifyCode(em, { userId: user.id, purpose: 'OTP_SIGN_IN', code }, box);
      if (outcome !== 'consumed') throw new InvalidCode({ details: { reason: outcome } });
    },
  };
}
