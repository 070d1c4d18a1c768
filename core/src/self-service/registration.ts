import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog, type AuditRecord } from '../audit/audit.service.js';
import { query } from '../db/statements.js';
import { ApiError, InvalidPayload, RegistrationClosed, TooManyAttempts } from '../errors/index.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import { queueMail } from '../mail/outbox.js';
import { hashPassword } from '../passwords/argon2id.js';
import { assertPasswordAllowed } from '../passwords/policy.js';
import { nativeConfigOf } from '../pools/native-config.js';
import { UserPool } from '../pools/pool.entity.js';
import type { UserSnapshot } from '../prehooks/events.js';
import { PrehookDenied, type PrehookRunner } from '../prehooks/runner.js';
import { poolSnapshot, toSignInError } from '../prehooks/sign-in-hooks.js';
import { Role } from '../roles/role.entity.js';
import { RoleService } from '../roles/role.service.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { countAttemptStatement, reserveAttemptStatement, type AttemptKind } from '../sign-in/throttle.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { TenantService } from '../tenants/tenant.service.js';
import { User, type UserStatus } from '../users/user.entity.js';
import { replacePendingRegistration } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { documentProblem, queueActivation } from './native-rules.js';

export interface RegistrationDeps {
  box: SecretBox;
  logger: Logger;
  /** Absent: no prehooks run. */
  prehooks?: PrehookRunner;
}

/**
 * Mails asked for by an anonymous caller (a registration, a resent activation code): each counts, on
 * keys of its own, so nobody can flood one inbox (3 from one address, 5 in all, per 15 minutes) or use
 * the service to mail many (30 from one address).
 */
export const MAIL_REQUESTS: AttemptKind = { kind: 'mail', limits: [3, 5, 30] };

/**
 * Reserves and counts one mail request. Whether the email has an account plays no part, so the answer
 * (served or throttled) tells nothing about it. Seconds to wait, 0 when the request may go on.
 */
export async function countMailRequest(em: EntityManager, email: string, ip: string): Promise<number> {
  const reserve = reserveAttemptStatement(MAIL_REQUESTS, email, ip);
  const [row] = await query<{ throttle_wait: number | null; account_counted: boolean }>(em, reserve.sql, reserve.params);
  const wait = Math.max(0, Number(row?.throttle_wait ?? 0));
  if (wait > 0) return wait;
  const count = countAttemptStatement(MAIL_REQUESTS, email, ip, row?.account_counted === true);
  await query(em, count.sql, count.params);
  return 0;
}

export interface RegistrationRequest {
  poolId: string;
  email: string;
  password: string;
  /** The new user's profile, checked against the pool's payload schema as `{ profile: payload, metadata: {} }`. */
  payload: Record<string, unknown>;
  ip: string;
}

/**
 * `POST /auth/register`: a new user of a NATIVE pool, PENDING_ACTIVATION with a mailed code (ACTIVE at
 * once when the pool does not require activation). An email that has an account gets the very same
 * answer, after the same password hashing, and its owner a mail saying someone tried: the endpoint
 * cannot tell who has an account. The checks that answer differently (pool closed, weak password,
 * payload) look only at the request, never at who exists.
 */
export async function register(em: EntityManager, deps: RegistrationDeps, request: RegistrationRequest): Promise<{ status: UserStatus }> {
  const email = normaliseEmail(request.email);
  const audit = new AuditLog(em, deps.logger);
  const event = (outcome: string, userId: string | null, details: Record<string, unknown> = {}): AuditRecord => ({
    actor: userId ? `user:${userId}` : 'anonymous',
    action: 'register',
    target: email,
    outcome,
    details: { ip: request.ip, pool: request.poolId, ...details },
  });
  try {
    const pool = await em.findOne(UserPool, { id: request.poolId });
    const config = pool?.type === 'NATIVE' ? nativeConfigOf(pool) : null;
    if (!pool || !config || !pool.enabled || !config.publicRegistration) throw new RegistrationClosed('this pool does not take registrations');
    await assertPasswordAllowed(request.password, { email, policy: config.passwordPolicy });
    const problem = documentProblem(pool, { profile: request.payload, metadata: {} });
    if (problem) {
      // The payload is the profile: its paths are the profile's.
      const path = problem.path.startsWith('/profile') ? problem.path.slice('/profile'.length) || '/' : problem.path;
      throw new InvalidPayload(`payload${path === '/' ? '' : path}: ${problem.message}`, { publicDetails: { path }, details: { path } });
    }
    const wait = await countMailRequest(em, email, request.ip);
    if (wait > 0) throw new TooManyAttempts('too many requests for this email; try again later', { retryAfterSeconds: wait });
    const status: UserStatus = config.activationRequired ? 'PENDING_ACTIVATION' : 'ACTIVE';
    // Hashed whether or not the email is taken: both answers take the hash's time.
    const passwordHash = await hashPassword(request.password);
    const owner = await em.findOne(User, { email }, { fields: ['id', 'status', 'pool', 'lastSignInAt'] });
    if (owner && unproven(owner, pool) && (await replacePending(em, deps.box, { id: owner.id, email }, pool, passwordHash, request.payload))) {
      await audit.record(event('replaced_pending', owner.id));
      return { status };
    }
    const userId = owner ? null : await create(em, deps, { pool, email, status, passwordHash, profile: request.payload, ip: request.ip });
    if (!userId) {
      await mailOwner(em, deps.box, email, pool);
      await audit.record(event('email_taken', null, { mailed: 'registration-attempt' }));
    } else {
      await audit.record(event('ok', userId, { status }));
    }
    return { status };
  } catch (error) {
    if (error instanceof ApiError) await audit.record(event(error.code, null, error.details));
    throw error;
  }
}

/**
 * A registration nobody has proven yet: still waiting for its activation code, in this pool, never
 * signed in. Whoever registered it may not hold the mailbox, so it must not keep the email from its
 * owner (account pre-hijacking: an attacker registers the victim's email with a password of their own
 * and waits for the victim to activate it).
 */
const unproven = (owner: Pick<User, 'status' | 'pool' | 'lastSignInAt'>, pool: UserPool): boolean =>
  owner.status === 'PENDING_ACTIVATION' && owner.pool?.id === pool.id && owner.lastSignInAt == null;

/**
 * The last registration of an unproven email wins: its password and profile replace the pending ones and
 * a new activation code (the old one dies) goes to the mailbox, in one transaction. The code is what
 * proves the mailbox, so the account is activated by whoever holds it, with the password they chose
 * last. Returns false when the user left PENDING_ACTIVATION meanwhile (then the email is simply taken).
 */
async function replacePending(
  em: EntityManager,
  box: SecretBox,
  user: { id: string; email: string },
  pool: UserPool,
  passwordHash: string,
  profile: Record<string, unknown>,
): Promise<boolean> {
  return em.transactional(async (tx) => {
    if (!(await replacePendingRegistration(tx, user.id, passwordHash, profile))) return false;
    await queueActivation(tx, box, user, pool);
    return true;
  });
}

/** The owner of a taken email is told someone tried (no code: nothing to act on but their own sign-in). */
async function mailOwner(em: EntityManager, box: SecretBox, email: string, pool: UserPool): Promise<void> {
  await em.transactional((tx) => queueMail(tx, { to: email, template: 'registration-attempt', poolId: pool.id, vars: { email } }, box).then(() => undefined));
}

interface NewRegistrant {
  pool: UserPool;
  email: string;
  status: UserStatus;
  passwordHash: string;
  profile: Record<string, unknown>;
  ip: string;
}

/**
 * The user, after the beforeUserCreate prehooks (trigger `registration`), with their tenant by the pool's
 * mode and, when activation is required, the code and its mail: one transaction. Null when the email was
 * taken meanwhile (a concurrent registration won the unique index).
 */
async function create(em: EntityManager, deps: RegistrationDeps, registrant: NewRegistrant): Promise<string | null> {
  const { pool, email, status } = registrant;
  const { mode, tenantId: predefined } = pool.settings.tenantResolution;
  const planned = mode === 'PREDEFINED' ? predefined : null;
  let draft: UserSnapshot = {
    id: null,
    email,
    status,
    tenantId: planned,
    roles: [],
    profile: registrant.profile,
    metadata: {},
    pool: pool.id,
    migratedFrom: null,
  };
  if (deps.prehooks) {
    try {
      const payload = await deps.prehooks.run('beforeUserCreate', {
        event: 'beforeUserCreate',
        email,
        ip: registrant.ip,
        user: draft,
        pool: poolSnapshot(pool),
        trigger: 'registration',
      });
      draft = payload.user;
    } catch (error) {
      throw error instanceof PrehookDenied ? toSignInError(error) : error;
    }
  }
  const { roles } = await new RoleService(em).byKeys(draft.roles);
  const chosen = draft.tenantId !== planned ? draft.tenantId : undefined;
  const tenantId = chosen !== undefined ? (chosen === null ? null : (await new TenantService(em).ensure(chosen)).id) : planned;
  const fork = em.fork();
  await fork.begin();
  try {
    // AUTO_CREATE: the user's own tenant, made in the transaction that makes the user (none left behind by a lost race).
    const tenant =
      chosen === undefined && mode === 'AUTO_CREATE'
        ? fork.create(Tenant, { id: newId(), name: `${email}'s tenant`, metadata: {} })
        : tenantId
          ? fork.getReference(Tenant, tenantId)
          : null;
    const user = fork.create(User, {
      email,
      status,
      tenant,
      profile: draft.profile,
      metadata: draft.metadata,
      pool: fork.getReference(UserPool, pool.id),
      passwordHash: registrant.passwordHash,
    });
    user.roles.set(roles.map((role) => fork.getReference(Role, role.id)));
    await fork.flush();
    if (user.status === 'PENDING_ACTIVATION') await queueActivation(fork, deps.box, { id: user.id, email }, pool);
    await fork.commit();
    return user.id;
  } catch (error) {
    await fork.rollback();
    if (error instanceof UniqueConstraintViolationException) return null;
    throw error;
  }
}
