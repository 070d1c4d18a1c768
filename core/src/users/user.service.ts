import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, conflict, forbidden, notFound } from '../errors/index.js';
import { hashPassword } from '../passwords/argon2id.js';
import { beforeAdminCreate } from '../prehooks/admin-hooks.js';
import type { PrehookRunner } from '../prehooks/runner.js';
import { RoleService } from '../roles/role.service.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { TenantService } from '../tenants/tenant.service.js';
import { User, type UserStatus } from './user.entity.js';
import type { NativeUserRules } from './native-user-rules.js';
import type { Count } from '../db/count.js';
import { UserPool } from '../pools/pool.entity.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { newId } from '../ids.js';
import { WriteBackItem, type WriteBackAction } from '../write-back/write-back.entity.js';
import { countUsers, rolesOfUsers, userViewByEmail, userViewById, usersPage, type UserFilter, type UserView } from './user.repository.js';

export interface CreateUserInput {
  /** A pool that writes back: the user is created there and at its source. */
  poolId?: string | null;
  email: string;
  password?: string | null;
  status?: UserStatus | null;
  tenantId?: string | null;
  roleKeys?: string[] | null;
  profile?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
  /** A PENDING_ACTIVATION user of a NATIVE pool: mail them an activation code. */
  sendActivation?: boolean | null;
}

export interface UpdateUserInput {
  profile?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
  tenantId?: string | null;
  roleKeys?: string[] | null;
  status?: UserStatus | null;
}

/** What write-back needs of the server: the box that seals a new user's password until the source has it, and the job that delivers. */
export interface WriteBackHooks {
  box: SecretBox;
  /** After the commit; a lost notice is made up by the minute tick. */
  deliver(userIds: readonly string[]): Promise<void>;
  /** Associated data of the sealed password of outbox row `itemId`. */
  passwordContext(itemId: string): string;
}

const writesBack = (pool: UserPool | null | undefined): pool is UserPool => Boolean(pool && pool.type === 'EXTERNAL' && pool.settings.writeBack);

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export class UserService {
  constructor(
    private readonly em: EntityManager,
    private readonly prehooks?: PrehookRunner,
    private readonly writeBack?: WriteBackHooks,
    private readonly native?: NativeUserRules,
  ) {}

  page(filter: UserFilter, first: number, afterId: string | null): Promise<UserView[]> {
    return usersPage(this.em, filter, first, afterId);
  }

  count(filter: UserFilter): Promise<Count> {
    return countUsers(this.em, filter);
  }

  byId(id: string): Promise<UserView | null> {
    return userViewById(this.em, id);
  }

  byEmail(email: string): Promise<UserView | null> {
    return userViewByEmail(this.em, normaliseEmail(email));
  }

  rolesOf(userIds: readonly string[]): ReturnType<typeof rolesOfUsers> {
    return rolesOfUsers(this.em, userIds);
  }

  async view(id: string): Promise<UserView> {
    const user = await this.byId(id);
    if (!user) throw notFound('user', id);
    return user;
  }

  /** A local (native) user created by an admin. */
  async create(input: CreateUserInput): Promise<UserView> {
    const email = normaliseEmail(input.email);
    const pool = input.poolId ? await this.em.findOne(UserPool, { id: input.poolId }) : null;
    if (input.poolId && !pool) throw badInput('input.poolId', `pool "${input.poolId}" does not exist`);
    const native = pool?.type === 'NATIVE' ? pool : null;
    if (input.sendActivation && !native) throw badInput('input.sendActivation', 'only users of a NATIVE pool are sent activation codes');
    if (native) {
      if (!this.native) throw badInput('input.poolId', 'native pools are not available on this server');
      await this.native.checkCreate(native, { ...input, email });
    } else if (pool && (!writesBack(pool) || !this.writeBack)) {
      throw badInput('input.poolId', `users are created in pool "${pool.name}" only when it writes back to its source (settings.writeBack)`);
    }
    let tenant = input.tenantId ? await this.tenant(input.tenantId) : null;
    const roles = await this.roles(input.roleKeys);
    const status = input.status ?? 'ACTIVE';
    const draft = await beforeAdminCreate(this.prehooks, {
      id: null,
      email,
      status,
      tenantId: tenant?.id ?? null,
      roles: roles.map((role) => role.key),
      profile: input.profile ?? {},
      metadata: input.metadata ?? {},
      // A NATIVE pool's user is the pool's from the start (a pool that writes back gets its user once the source has it).
      pool: native?.id ?? null,
      migratedFrom: null,
    });
    // A tenant a prehook chose is created when unknown, as for a first sign-in.
    if (draft.tenantId !== (tenant?.id ?? null)) tenant = draft.tenantId ? await new TenantService(this.em).ensure(draft.tenantId) : null;
    const user = this.em.create(User, {
      email,
      status,
      tenant,
      profile: draft.profile,
      metadata: draft.metadata,
      // A pool's user signs in at its source: the password goes there, sealed in the outbox until delivered.
      passwordHash: input.password && (!pool || native) ? await hashPassword(input.password) : null,
      pool,
    });
    user.roles.set(roles);
    if (pool && !native) {
      const id = newId();
      const password = input.password ? this.writeBack!.box.seal(input.password, this.writeBack!.passwordContext(id)) : undefined;
      this.outbox(pool, user.id, null, 'CREATE', { email, profile: draft.profile, tenantId: tenant?.id ?? null, ...(password ? { password } : {}) }, id);
    }
    try {
      if (native && input.sendActivation) await this.flushWithActivation(user, native);
      else await this.em.flush();
    } catch (error) {
      // Two concurrent creates of one email: the unique index decides, the loser gets CONFLICT.
      if (error instanceof UniqueConstraintViolationException) throw conflict(`a user with email "${email}" already exists`, 'input.email');
      throw error;
    }
    if (pool && !native) await this.deliver(user.id);
    return this.view(user.id);
  }

  async update(id: string, input: UpdateUserInput): Promise<UserView> {
    const user = await this.em.findOne(User, { id }, { populate: ['pool', 'roles'] });
    if (!user) throw notFound('user', id);
    const pool = user.pool;
    const writes = writesBack(pool) && Boolean(this.writeBack);
    // Synced attributes come from the source: edited here only when the edit goes there too.
    if (pool && pool.settings.syncUserAttributes && !writes && (input.profile || input.metadata)) {
      throw forbidden(`user ${id} is read-only: pool "${pool.name}" (${pool.id}) syncs user attributes from its source at every sign-in`);
    }
    // A native pool's payload schema guards the user's data document as the edit leaves it.
    if (pool?.type === 'NATIVE' && (input.profile || input.metadata) && this.native) {
      this.native.checkDocument(pool, { profile: input.profile ?? user.profile, metadata: input.metadata ?? user.metadata });
    }
    const before = { status: user.status, tenantId: user.tenant?.id ?? null };
    if (input.profile) user.profile = input.profile;
    if (input.metadata) user.metadata = input.metadata;
    if (input.status) user.status = input.status;
    if (input.tenantId !== undefined) user.tenant = input.tenantId === null ? null : await this.tenant(input.tenantId);
    if (input.roleKeys) user.roles.set(await this.roles(input.roleKeys));
    let queued = false;
    if (writes) {
      const changes: Record<string, unknown> = {};
      if (input.profile) changes.profile = input.profile;
      if (input.tenantId !== undefined && input.tenantId !== before.tenantId) changes.tenantId = input.tenantId;
      if (Object.keys(changes).length) queued = this.outbox(pool!, id, user.externalId ?? null, 'UPDATE', changes);
      if (user.status !== before.status && (user.status === 'DISABLED' || before.status === 'DISABLED')) {
        queued = this.outbox(pool!, id, user.externalId ?? null, user.status === 'DISABLED' ? 'DISABLE' : 'ENABLE', {});
      }
    }
    await this.em.flush();
    if (queued) await this.deliver(id);
    return this.view(id);
  }

  /** A new activation code mailed to a PENDING_ACTIVATION user of a NATIVE pool (the previous code stops working). */
  async sendActivationMessage(userId: string): Promise<boolean> {
    const user = await this.em.findOne(User, { id: userId }, { populate: ['pool'] });
    if (!user) throw notFound('user', userId);
    const pool = user.pool;
    if (pool?.type !== 'NATIVE' || !this.native) throw badInput('userId', 'only users of a NATIVE pool are sent activation codes');
    if (user.status !== 'PENDING_ACTIVATION') throw badInput('userId', `the user is ${user.status}, not PENDING_ACTIVATION`);
    await this.em.transactional((em) => this.native!.queueActivation(em, { id: user.id, email: user.email }, pool));
    return true;
  }

  async delete(id: string): Promise<boolean> {
    const user = await this.em.findOne(User, { id }, { populate: ['pool'] });
    if (!user) throw notFound('user', id);
    const writes = writesBack(user.pool) && Boolean(this.writeBack);
    if (writes) this.outbox(user.pool!, id, user.externalId ?? null, 'DELETE', {});
    await this.em.remove(user).flush();
    if (writes) await this.deliver(id);
    return true;
  }

  /** A change for the source, committed by the flush that commits the change here. */
  private outbox(pool: UserPool, userId: string, externalId: string | null, action: WriteBackAction, payload: Record<string, unknown>, id = newId()): true {
    this.em.create(WriteBackItem, {
      id,
      poolId: pool.id,
      userId,
      externalId,
      action,
      payload,
      attempts: 0,
      lastError: null,
      createdAt: new Date(),
      deliveredAt: null,
    });
    return true;
  }

  /** The new user, their activation code and its mail commit together, or none of them. */
  private async flushWithActivation(user: User, pool: UserPool): Promise<void> {
    await this.em.begin();
    try {
      await this.em.flush();
      await this.native!.queueActivation(this.em, { id: user.id, email: user.email }, pool);
      await this.em.commit();
    } catch (error) {
      await this.em.rollback();
      throw error;
    }
  }

  private async deliver(userId: string): Promise<void> {
    // Committed already: a failed hand-over to the queue only delays it to the next minute tick.
    await this.writeBack!.deliver([userId]).catch(() => undefined);
  }

  private async tenant(id: string): Promise<Tenant> {
    const tenant = await this.em.findOne(Tenant, { id });
    if (!tenant) throw badInput('input.tenantId', `tenant "${id}" does not exist`);
    return tenant;
  }

  private async roles(keys: string[] | null | undefined) {
    const { roles, unknown } = await new RoleService(this.em).byKeys(keys ?? []);
    if (unknown.length) throw badInput('input.roleKeys', `role "${unknown[0]}" does not exist`);
    return roles;
  }
}
