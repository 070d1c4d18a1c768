import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserPool } from '../pools/pool.entity.js';
import { AccessDenied, SourceUnavailable, type ApiError } from '../errors/index.js';
import type { User } from '../users/user.entity.js';
import type { TokenUser } from '../users/user.repository.js';
import type { Payload, PoolSnapshot, UserSnapshot } from './events.js';
import type { PrehookEvent } from './prehook.entity.js';
import { PrehookDenied, type PrehookRunner } from './runner.js';

export function snapshotOf(user: User): UserSnapshot {
  return {
    id: user.id,
    email: user.email,
    status: user.status,
    tenantId: user.tenant?.id ?? null,
    roles: user.roles.isInitialized() ? user.roles.getItems().map((role) => role.key) : [],
    profile: user.profile,
    metadata: user.metadata,
    pool: user.pool?.id ?? null,
    migratedFrom: user.migratedFrom?.id ?? null,
  };
}

/** The snapshot of a user read as plain data for a token grant: no entity is built for it. */
export function tokenUserSnapshot(user: TokenUser): UserSnapshot {
  return {
    id: user.id,
    email: user.email,
    status: user.status,
    tenantId: user.tenantId,
    roles: user.roles,
    profile: user.profile,
    metadata: user.metadata,
    pool: user.pool?.id ?? null,
    migratedFrom: user.migratedFrom,
  };
}

export const poolSnapshot = (pool: UserPool | null | undefined): PoolSnapshot | null => (pool ? { id: pool.id, name: pool.name, source: pool.source } : null);

/**
 * What the end user sees of a denial: the admin's own reason, or for a crashed or timed-out script
 * (DENY policy) a fixed sentence; the kind goes to the audit details only. A prehook that never
 * ran (every isolate busy) is a 503: nothing was decided, so it is worth trying again.
 */
export function toSignInError(denied: PrehookDenied): ApiError {
  if (denied.kind === 'unavailable') {
    return new SourceUnavailable('the sign-in could not be completed right now; try again later', { details: denied.details });
  }
  return new AccessDenied(denied.reason ?? 'the sign-in could not be completed: a sign-in policy check failed; try again later', { details: denied.details });
}

/** The prehook events of a password sign-in (beforeSignIn, beforeUserCreate, userMigrated, afterAuthentication, beforeTokenIssue), in the order the pipeline meets them. */
export class SignInPrehooks {
  constructor(
    private readonly runner: PrehookRunner | undefined,
    private readonly em: EntityManager,
    private readonly ip: string,
  ) {}

  /** Before any password is checked: a script may refuse an address, an email domain or a known user. */
  async beforeSignIn(email: string, user: User | null): Promise<void> {
    await this.run('beforeSignIn', { event: 'beforeSignIn', email, ip: this.ip, user: user ? snapshotOf(user) : null });
  }

  /** A source accepted a new user: the script may edit profile, metadata and tenant before the row exists, or deny. */
  async beforeUserCreate(draft: UserSnapshot, pool: UserPool): Promise<UserSnapshot> {
    const payload = await this.run('beforeUserCreate', {
      event: 'beforeUserCreate',
      email: draft.email,
      ip: this.ip,
      user: draft,
      pool: poolSnapshot(pool),
      trigger: 'sign-in',
    });
    return payload.user;
  }

  /** The credentials are good: scripts may edit the user's metadata (stored) or deny. */
  async afterAuthentication(user: User, pool: UserPool | null, firstSignIn: boolean): Promise<void> {
    const before = JSON.stringify(user.metadata);
    const payload = await this.run('afterAuthentication', {
      event: 'afterAuthentication',
      email: user.email,
      ip: this.ip,
      user: snapshotOf(user),
      pool: poolSnapshot(pool),
      firstSignIn,
    });
    if (JSON.stringify(payload.user.metadata) === before) return;
    user.metadata = payload.user.metadata;
    await this.em.flush();
  }

  /** A notification: the user is already migrated, so nothing a script does changes the sign-in. */
  async userMigrated(user: User, pool: UserPool): Promise<void> {
    await this.run('userMigrated', { event: 'userMigrated', email: user.email, ip: this.ip, user: snapshotOf(user), pool: poolSnapshot(pool)! });
  }

  /** Extra claims for the access token; reserved ones were already dropped by the event contract. */
  async beforeTokenIssue(user: User, pool: UserPool | null): Promise<Record<string, unknown> | undefined> {
    return this.claimsFor(snapshotOf(user), poolSnapshot(pool));
  }

  /** Whether any beforeTokenIssue prehook is enabled: a refresh grant without one spends its token in its first statement. */
  async issueClaims(): Promise<boolean> {
    return this.runner !== undefined && (await this.runner.cache.forEvent('beforeTokenIssue')).length > 0;
  }

  /** The same, for a user read as plain data (a token grant, which builds no entity). */
  async beforeGrantIssue(user: TokenUser): Promise<Record<string, unknown> | undefined> {
    return this.claimsFor(tokenUserSnapshot(user), user.pool);
  }

  private async claimsFor(user: UserSnapshot, pool: PoolSnapshot | null): Promise<Record<string, unknown> | undefined> {
    const payload = await this.run('beforeTokenIssue', { event: 'beforeTokenIssue', email: user.email, ip: this.ip, user, pool, claims: {} });
    return Object.keys(payload.claims).length ? payload.claims : undefined;
  }

  private async run<E extends PrehookEvent>(event: E, payload: Payload<E>): Promise<Payload<E>> {
    if (!this.runner) return payload;
    try {
      return await this.runner.run(event, payload);
    } catch (error) {
      throw error instanceof PrehookDenied ? toSignInError(error) : error;
    }
  }
}
