import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog, type AuditRecord } from '../audit/audit.service.js';
import { executeTogether, type Statement } from '../db/statements.js';
import { AccessDenied, ApiError, InvalidCredentials, SourceUnavailable, TooManyAttempts } from '../errors/index.js';
import { SourceError } from '@tributary/plugin-kit';
import type { Logger } from '../logger.js';
import { burnDummyVerification, hashPassword, verifyPassword, type Verification } from '../passwords/verifier.js';
import type { PoolConnector } from '../pools/pool-connector.js';
import type { UserPool } from '../pools/pool.entity.js';
import { externalPoolsInSignInOrder } from '../pools/pool.repository.js';
import type { UserSnapshot } from '../prehooks/events.js';
import type { PrehookEvent } from '../prehooks/prehook.entity.js';
import type { PrehookRunner } from '../prehooks/runner.js';
import { SignInPrehooks } from '../prehooks/sign-in-hooks.js';
import { subjectOf, tokenSubjectOf, type TokenService, type TokenSet, type TokenSubject } from '../tokens/token.service.js';
import { signsInHere, type User } from '../users/user.entity.js';
import { lastSignInStatement, setPasswordHash } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { WriteBackItem } from '../write-back/write-back.entity.js';
import { migrateUser, provisionUser, syncUser } from './provisioning.js';
import { authenticateWithPool } from './source-call.js';
import { FailureFloor } from './failure-floor.js';
import { loadSignInState } from './load-user.js';
import { failureStatement, inconclusiveStatements, successStatements } from './throttle.js';
import { publishSignInTiming } from './timings.js';

export interface SignInRequest {
  email: string;
  password: string;
  ip: string;
}

/**
 * A first factor other than the password, checked in its place by the same pipeline (throttle,
 * prehooks, audit, tokens): a mailed one-time code (self-service/otp-sign-in.ts).
 */
export interface SignInFactor {
  /** The tokens' `amr`. */
  amr: string;
  /**
   * Accepts the user (null: the email has no account) or throws the ApiError the caller gets. An
   * `invalid_code` counts on the throttle as a wrong password does; the user's status is checked after.
   */
  verify(user: User | null): Promise<void>;
}

export interface FactorSignInRequest {
  email: string;
  ip: string;
  factor: SignInFactor;
}

/** Errors that say the credential was wrong: they keep their throttle count (others give the account's back). */
const WRONG_CREDENTIAL = new Set(['invalid_credentials', 'invalid_code']);

export interface SignInDeps {
  connector: PoolConnector;
  tokens: TokenService;
  logger: Logger;
  /** Absent: no prehooks run (tools that sign in without the admin's scripts). */
  prehooks?: PrehookRunner;
  /** Holds failures until they all take as long (one per node). Absent: failures are answered at once. */
  failureFloor?: FailureFloor;
}

interface Verified {
  /** Null when a local user signed in as plain data (no prehook to show an entity to). */
  user: User | null;
  /** The `pool` claim: the pool whose source checked the password, or `local`. */
  via: string;
  details: Record<string, unknown>;
  /** For the prehooks: the pool behind `via` (null when local), and what this sign-in did. */
  pool: UserPool | null;
  migrated?: boolean;
  firstSignIn?: boolean;
}

/**
 * A password sign-in: a local user (native or migrated) is checked here and no source is called; a
 * user of an external pool is checked by that pool only; an unknown email tries the enabled external
 * pools in position order, the first to accept wins, and a pool that is down or slow is skipped,
 * never taken for a wrong password.
 */
export class SignInService {
  private readonly audit: AuditLog;
  /** Milliseconds this sign-in spent hashing, for its timing (timings.ts). */
  private hashMs = 0;
  /** Whether this sign-in asked a source: the path its failure's timing would otherwise betray. */
  private askedSource = false;
  /** For its timing: the pool that decided this sign-in (`local`), or `none`. */
  private decidedBy = 'none';

  constructor(
    private readonly em: EntityManager,
    private readonly deps: SignInDeps,
  ) {
    this.audit = new AuditLog(em, deps.logger);
  }

  async signIn(request: SignInRequest): Promise<TokenSet> {
    // The refresh token, the sign-in time, the audit event and clearing the account's failures: one round trip.
    return this.run(request, (subject, writes) => this.deps.tokens.issue(this.em, subject, undefined, writes));
  }

  /**
   * The same pipeline (by password or by another factor), answering who signed in instead of Tributary's
   * own tokens: for the hosted login of the OpenID Provider (openid-provider/), which issues the app's tokens itself.
   */
  async authenticate(request: SignInRequest | FactorSignInRequest): Promise<TokenSubject> {
    return this.run(request, async (subject, writes) => {
      await executeTogether(this.em, writes);
      return subject;
    });
  }

  /** A sign-in by another factor (a one-time code) through the same pipeline, answered with Tributary's tokens. */
  async signInWith(request: FactorSignInRequest): Promise<TokenSet> {
    return this.run(request, (subject, writes) => this.deps.tokens.issue(this.em, subject, undefined, writes));
  }

  private async run<T>(request: SignInRequest | FactorSignInRequest, finish: (subject: TokenSubject, writes: Statement[]) => Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await this.attempt(request, started, finish);
    } catch (error) {
      outcome = error instanceof ApiError ? error.code : 'error';
      const pool = error instanceof ApiError ? error.details.pool : undefined;
      if (typeof pool === 'string') this.decidedBy = pool;
      throw error;
    } finally {
      publishSignInTiming(() => ({ outcome, pool: this.decidedBy, totalMs: performance.now() - started, hashMs: this.hashMs }));
    }
  }

  private async attempt<T>(
    request: SignInRequest | FactorSignInRequest,
    started: number,
    finish: (subject: TokenSubject, writes: Statement[]) => Promise<T>,
  ): Promise<T> {
    const email = normaliseEmail(request.email);
    // The sign-in path is latency-bound on round trips: one read before the password check, one write after.
    const state = await loadSignInState(this.em, email, request.ip);
    const { retryAfter: wait, reservation } = state;
    if (wait > 0) {
      await this.record(email, null, 'too_many_attempts', started, { ip: request.ip });
      throw new TooManyAttempts('too many failed attempts; try again later', { retryAfterSeconds: wait });
    }
    const hooks = new SignInPrehooks(this.deps.prehooks, this.em, request.ip);
    let verified: Verified;
    let subject: TokenSubject;
    try {
      // A local user's password check starts here, on the thread pool, and building the user and the
      // beforeSignIn prehooks overlap it (the main thread would otherwise idle through the hash). A
      // prehook's denial still wins: the check's outcome is then never looked at.
      const check = state.localPasswordHash && 'password' in request ? this.hashing(verifyPassword(state.localPasswordHash, request.password)) : undefined;
      check?.catch(() => undefined); // awaited in local(); a denial before that must not leave it unhandled
      if (state.localUser && 'password' in request && !(await this.prehooksFor(LOCAL_USER_EVENTS))) {
        // No prehook to show the user to: the row's plain data is all the tokens need, and no entity is built.
        verified = { user: null, via: 'local', pool: null, details: await this.checkLocal(state.localUser, request.password, check) };
        subject = tokenSubjectOf(state.localUser, 'local', ['pwd']);
      } else {
        const user = await state.user();
        await hooks.beforeSignIn(email, user);
        if ('factor' in request) verified = await this.byFactor(user, request.factor);
        else if (user && signsInHere(user)) verified = await this.local(user, request.password, check);
        else if (user) verified = await this.external(user, user.pool!, email, request.password);
        else verified = await this.firstSignIn(email, request.password, hooks);
        const signedIn = verified.user!;
        if (verified.migrated) await hooks.userMigrated(signedIn, verified.pool!);
        await hooks.afterAuthentication(signedIn, verified.pool, verified.firstSignIn === true);
        const claims = await hooks.beforeTokenIssue(signedIn, verified.pool);
        subject = { ...subjectOf(signedIn, verified.via, 'factor' in request ? [request.factor.amr] : ['pwd']), claims };
      }
    } catch (error) {
      const code = error instanceof ApiError ? error.code : 'error';
      const event = this.event(email, null, code, started, { ip: request.ip, ...(error instanceof ApiError ? error.details : {}) });
      // A wrong password keeps its reserved count; an attempt that said nothing about the password gives the account's back.
      const counters = WRONG_CREDENTIAL.has(code) ? [failureStatement(reservation)] : inconclusiveStatements(reservation);
      try {
        await executeTogether(this.em, [...counters, AuditLog.statement(event)]);
      } catch (failure) {
        this.deps.logger.error({ err: failure }, 'could not record a failed sign-in');
      }
      await this.deps.failureFloor?.hold(this.askedSource ? 'sources' : 'local', started, code === 'invalid_credentials');
      throw error;
    }
    const { via } = verified;
    this.decidedBy = via;
    return finish(subject, [
      lastSignInStatement(subject.userId),
      AuditLog.statement(this.event(email, subject.userId, 'ok', started, { ip: request.ip, pool: via, ...verified.details })),
      ...successStatements(reservation),
    ]);
  }

  /** Whether an enabled prehook listens to one of `events` (the runner's cache: no query on most sign-ins). */
  private async prehooksFor(events: readonly PrehookEvent[]): Promise<boolean> {
    const runner = this.deps.prehooks;
    if (!runner) return false;
    for (const event of events) if ((await runner.cache.forEvent(event)).length > 0) return true;
    return false;
  }

  /** Rule 1: a local user (native or migrated); no source is called. `check`: the password check, already started. */
  private async local(user: User, password: string, check: Promise<Verification> | undefined): Promise<Verified> {
    // A NATIVE pool's user is loaded with their pool (load-user.ts), so their check starts here.
    check ??= user.pool && user.passwordHash ? this.hashing(verifyPassword(user.passwordHash, password)) : undefined;
    return { user, via: 'local', pool: null, details: await this.checkLocal(user, password, check) };
  }

  /** The local password check of an account, entity or plain data; answers the audit details. */
  private async checkLocal(
    user: Pick<User, 'id' | 'status'> & { pool?: { id: string; enabled?: boolean } | null },
    password: string,
    check: Promise<Verification> | undefined,
  ): Promise<Record<string, unknown>> {
    this.decidedBy = 'local';
    if (!check) {
      await this.hashing(burnDummyVerification(password));
      throw new InvalidCredentials();
    }
    const { ok, needsRehash } = await check;
    if (!ok) throw new InvalidCredentials();
    // A disabled NATIVE pool signs nobody in, answered as a wrong password (as for a disabled external pool).
    if (user.pool && user.pool.enabled === false) throw new InvalidCredentials({ details: { pool: user.pool.id, reason: 'pool disabled' } });
    assertActive(user);
    if (needsRehash) {
      await setPasswordHash(this.em, user.id, await this.hashing(hashPassword(password)));
    }
    return needsRehash ? { rehashed: true } : {};
  }

  /** Another factor than the password, for a user whose credentials live here: the factor decides, no source is called. */
  private async byFactor(user: User | null, factor: SignInFactor): Promise<Verified> {
    this.decidedBy = 'local';
    await factor.verify(user);
    if (!user) throw new InvalidCredentials({ details: { reason: 'a factor accepted no user' } });
    assertActive(user);
    return { user, via: 'local', pool: null, details: { method: factor.amr } };
  }

  /** Rule 2: a known user of an external pool is checked against that pool only. */
  private async external(user: User, pool: UserPool, email: string, password: string): Promise<Verified> {
    // No password of this user can be checked here: answer exactly as a wrong one would, hash and all,
    // or the answer would tell that the email exists.
    if (!pool.enabled || pool.type !== 'EXTERNAL') {
      await this.hashing(burnDummyVerification(password));
      throw new InvalidCredentials({ details: { pool: pool.id, reason: pool.enabled ? 'the user signs in at an identity provider' : 'pool disabled' } });
    }
    this.askedSource = true;
    const outcome = await authenticateWithPool(this.deps.connector, pool, { email, password });
    if (outcome.kind === 'unavailable') {
      throw new SourceUnavailable('the user’s identity source cannot be reached; try again later', { details: { pool: pool.id, ...outcome } });
    }
    if (outcome.kind !== 'accepted') throw new InvalidCredentials({ details: { pool: pool.id, ...outcome } });
    assertActive(user);
    let details: Record<string, unknown> = {};
    const migrated = pool.settings.jitMigration;
    if (migrated) {
      await migrateUser(this.em, user, pool, outcome.identity, await this.hashing(hashPassword(password)));
      details = { migrated: true };
    } else if (pool.settings.syncUserAttributes && !(await this.writeBackPending(pool, user))) {
      details = { synced: true, unknownRoles: await syncUser(this.em, user, outcome.identity) };
    }
    return { user, via: pool.id, pool, details, migrated };
  }

  /** An admin's change on its way to the source is newer than what the source just said: no sync over it. */
  private async writeBackPending(pool: UserPool, user: User): Promise<boolean> {
    if (!pool.settings.writeBack) return false;
    return (await this.em.count(WriteBackItem, { userId: user.id, deliveredAt: null })) > 0;
  }

  /** Rule 3: an unknown user; the enabled external pools in order, the first acceptance wins. */
  private async firstSignIn(email: string, password: string, hooks: SignInPrehooks): Promise<Verified> {
    const pools = await externalPoolsInSignInOrder(this.em);
    const skipped: Record<string, unknown>[] = [];
    for (const pool of pools) {
      this.askedSource = true;
      const outcome = await authenticateWithPool(this.deps.connector, pool, { email, password });
      if (outcome.kind === 'unavailable') {
        skipped.push({ pool: pool.id, code: outcome.code, reason: outcome.reason });
        continue;
      }
      if (outcome.kind === 'refused') throw new InvalidCredentials({ details: { pool: pool.id, ...outcome, skipped } });
      if (outcome.kind === 'rejected') continue;
      if (normaliseEmail(outcome.identity.email) !== email) {
        skipped.push({ pool: pool.id, code: 'BAD_RESPONSE', reason: 'the source answered for another email' });
        continue;
      }
      const beforeCreate = (draft: UserSnapshot) => hooks.beforeUserCreate(draft, pool);
      const provisioned = await provisionUser(this.em, pool, outcome.identity, email, () => this.hashing(hashPassword(password)), beforeCreate).catch(
        (error: unknown) => {
          // The source's answer cannot be stored (an id another user of the pool holds): as garbage, the pool is skipped.
          if (!(error instanceof SourceError)) throw error;
          skipped.push({ pool: pool.id, code: error.code, reason: error.message });
          return null;
        },
      );
      if (!provisioned) continue;
      const { user, unknownRoles, created } = provisioned;
      const owner = user.pool?.id ?? user.migratedFrom?.id;
      if (owner !== pool.id) throw new InvalidCredentials({ details: { pool: pool.id, reason: 'the email belongs to another pool' } });
      assertActive(user);
      const migrated = created && pool.settings.jitMigration;
      return { user, via: pool.id, pool, migrated, firstSignIn: created, details: { created, migrated: pool.settings.jitMigration, unknownRoles, skipped } };
    }
    // Nobody accepted: spend what a local check spends, so a miss does not answer faster than a wrong password.
    await this.hashing(burnDummyVerification(password));
    if (skipped.length) throw new SourceUnavailable('an identity source cannot be reached; try again later', { details: { skipped } });
    throw new InvalidCredentials();
  }

  private async hashing<T>(work: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work;
    } finally {
      this.hashMs += performance.now() - started;
    }
  }

  private record(email: string, userId: string | null, outcome: string, started: number, details: Record<string, unknown>): Promise<void> {
    return this.audit.record(this.event(email, userId, outcome, started, details));
  }

  private event(email: string, userId: string | null, outcome: string, started: number, details: Record<string, unknown>): AuditRecord {
    return {
      actor: userId ? `user:${userId}` : 'anonymous',
      action: 'sign-in',
      target: email,
      outcome,
      details: { ...details, durationMs: Math.round(performance.now() - started) },
    };
  }
}

/** The prehook events a local user's sign-in meets: with none enabled, the user is never built as an entity. */
const LOCAL_USER_EVENTS: readonly PrehookEvent[] = ['beforeSignIn', 'afterAuthentication', 'beforeTokenIssue'];

function assertActive(user: Pick<User, 'status'>): void {
  if (user.status === 'DISABLED') throw new AccessDenied('the account is disabled');
  if (user.status === 'PENDING_ACTIVATION') throw new AccessDenied('the account is not activated yet');
}
