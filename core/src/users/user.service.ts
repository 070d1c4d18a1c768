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
import type { Count } from '../db/count.js';
import { countUsers, rolesOfUsers, userViewByEmail, userViewById, usersPage, type UserFilter, type UserView } from './user.repository.js';

export interface CreateUserInput {
  email: string;
  password?: string | null;
  status?: UserStatus | null;
  tenantId?: string | null;
  roleKeys?: string[] | null;
  profile?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
}

export interface UpdateUserInput {
  profile?: Record<string, unknown> | null;
  metadata?: Record<string, unknown> | null;
  tenantId?: string | null;
  roleKeys?: string[] | null;
  status?: UserStatus | null;
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export class UserService {
  constructor(
    private readonly em: EntityManager,
    private readonly prehooks?: PrehookRunner,
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
      pool: null,
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
      passwordHash: input.password ? await hashPassword(input.password) : null,
    });
    user.roles.set(roles);
    try {
      await this.em.flush();
    } catch (error) {
      // Two concurrent creates of one email: the unique index decides, the loser gets CONFLICT.
      if (error instanceof UniqueConstraintViolationException) throw conflict(`a user with email "${email}" already exists`, 'input.email');
      throw error;
    }
    return this.view(user.id);
  }

  async update(id: string, input: UpdateUserInput): Promise<UserView> {
    const user = await this.em.findOne(User, { id }, { populate: ['pool', 'roles'] });
    if (!user) throw notFound('user', id);
    const pool = user.pool;
    if (pool && pool.settings.syncUserAttributes && (input.profile || input.metadata)) {
      throw forbidden(`user ${id} is read-only: pool "${pool.name}" (${pool.id}) syncs user attributes from its source at every sign-in`);
    }
    if (input.profile) user.profile = input.profile;
    if (input.metadata) user.metadata = input.metadata;
    if (input.status) user.status = input.status;
    if (input.tenantId !== undefined) user.tenant = input.tenantId === null ? null : await this.tenant(input.tenantId);
    if (input.roleKeys) user.roles.set(await this.roles(input.roleKeys));
    await this.em.flush();
    return this.view(id);
  }

  async delete(id: string): Promise<boolean> {
    const user = await this.em.findOne(User, { id });
    if (!user) throw notFound('user', id);
    await this.em.remove(user).flush();
    return true;
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
