import type { Identity } from '@tributary/plugin-kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../ids.js';
import type { UserPool } from '../pools/pool.entity.js';
import type { UserSnapshot } from '../prehooks/events.js';
import { Role } from '../roles/role.entity.js';
import { TenantService } from '../tenants/tenant.service.js';
import { User } from '../users/user.entity.js';

/** Source-owned attributes as stored: the identity's profile plus whether the source verified the email. */
const profileOf = (identity: Identity): Record<string, unknown> => ({ ...identity.profile, email_verified: identity.emailVerified });

/** Local roles whose key equals a source role name; the others are reported, not created. */
async function mapRoles(em: EntityManager, names: readonly string[] | undefined): Promise<{ roles: Role[]; unknown: string[] }> {
  if (!names?.length) return { roles: [], unknown: [] };
  const roles = await em.find(Role, { key: { $in: [...names] } });
  const known = new Set(roles.map((role) => role.key));
  return { roles, unknown: names.filter((name) => !known.has(name)) };
}

/**
 * The tenant of a new user by the pool's mode, before anything is created: FROM_ATTRIBUTE takes the
 * identity's tenantId, PREDEFINED the pool's, AUTO_CREATE null (its tenant is made with the user).
 */
function plannedTenant(pool: UserPool, identity: Identity): string | null {
  const { mode, tenantId } = pool.settings.tenantResolution;
  if (mode === 'PREDEFINED') return tenantId;
  return mode === 'FROM_ATTRIBUTE' ? (identity.tenantId ?? null) : null;
}

/**
 * Makes the planned tenant real, unless a beforeUserCreate prehook chose another one (created when
 * unknown, as FROM_ATTRIBUTE does). AUTO_CREATE answers `autoCreate`: its tenant is made only by the
 * racer that wins the user's insert, or every concurrent first sign-in would leave a tenant behind.
 */
async function resolveTenant(em: EntityManager, pool: UserPool, planned: string | null, chosen: string | null): Promise<string | null | 'autoCreate'> {
  const tenants = new TenantService(em);
  if (chosen !== planned) return chosen === null ? null : (await tenants.ensure(chosen)).id;
  const { mode } = pool.settings.tenantResolution;
  if (mode === 'AUTO_CREATE') return 'autoCreate';
  return mode === 'FROM_ATTRIBUTE' && planned ? (await tenants.ensure(planned)).id : planned;
}

/** The new user's own tenant, created and assigned in one statement, so no tenant exists without its user. */
async function createOwnTenant(em: EntityManager, userId: string, email: string): Promise<void> {
  await em.getConnection().execute(
    `with t as (insert into tenants (id, name, metadata, created_at, updated_at) values (?, ?, '{}', now(), now()) returning id)
     update users set tenant_id = (select id from t) where id = ?`,
    [newId(), `${email}'s tenant`, userId],
  );
}

export interface Provisioned {
  user: User;
  unknownRoles: string[];
  created: boolean;
}

/** The beforeUserCreate prehooks: they see the user about to be created and may edit it (or throw to deny). */
export type BeforeCreate = (draft: UserSnapshot) => Promise<UserSnapshot>;

/**
 * The first successful sign-in of a user a source knows: create them once. Concurrent first sign-ins
 * race on the email's unique index; the losers read the winner's row. `passwordHash` makes the stored
 * hash of a JIT-migrated user, only once the prehooks let the creation go ahead (null: no password, as
 * for IdP users, whose pools never migrate).
 */
export async function provisionUser(
  em: EntityManager,
  pool: UserPool,
  identity: Identity,
  email: string,
  passwordHash: (() => Promise<string>) | null,
  beforeCreate: BeforeCreate = async (draft) => draft,
): Promise<Provisioned> {
  const { roles, unknown } = await mapRoles(em, identity.roles);
  const migrate = pool.settings.jitMigration;
  if (migrate && !passwordHash) throw new Error(`pool ${pool.id} migrates users, but no password was checked`);
  const planned = plannedTenant(pool, identity);
  const draft = await beforeCreate({
    id: null,
    email,
    status: 'ACTIVE',
    tenantId: planned,
    roles: roles.map((role) => role.key),
    profile: profileOf(identity),
    metadata: {},
    pool: migrate ? null : pool.id,
    migratedFrom: migrate ? pool.id : null,
  });
  const tenant = await resolveTenant(em, pool, planned, draft.tenantId);
  const tenantId = tenant === 'autoCreate' ? null : tenant;
  const id = newId();
  const inserted = await em.getConnection().execute<{ id: string }[]>(
    `insert into users (id, email, status, tenant_id, profile, metadata, pool_id, migrated_from_id, external_id, password_hash, migrated_at, created_at, updated_at)
     values (?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?, ?, ?, now(), now()) on conflict (email) do nothing returning id`,
    [
      id,
      email,
      tenantId,
      JSON.stringify(draft.profile),
      JSON.stringify(draft.metadata),
      migrate ? null : pool.id,
      migrate ? pool.id : null,
      identity.externalId,
      migrate ? await passwordHash!() : null,
      migrate ? new Date() : null,
    ],
  );
  if (inserted.length && tenant === 'autoCreate') await createOwnTenant(em, id, email);
  if (inserted.length && roles.length) {
    await em.getConnection().execute(
      `insert into user_roles (user_id, role_id) values ${roles.map(() => '(?, ?)').join(', ')} on conflict do nothing`,
      roles.flatMap((role) => [id, role.id]),
    );
  }
  const user = await em.findOneOrFail(User, { email }, { populate: ['pool', 'roles', 'tenant'], refresh: true });
  return { user, unknownRoles: unknown, created: inserted.length > 0 };
}

/** Just-in-time migration of a known user: from now on the user is local (irreversible). */
export async function migrateUser(em: EntityManager, user: User, pool: UserPool, identity: Identity, passwordHash: string): Promise<void> {
  user.passwordHash = passwordHash;
  user.pool = null;
  user.migratedFrom = pool;
  user.migratedAt = new Date();
  user.profile = profileOf(identity);
  await em.flush();
}

/** Sync: the source owns profile and roles, refreshed at every sign-in (the tenant stays: new users only). */
export async function syncUser(em: EntityManager, user: User, identity: Identity): Promise<string[]> {
  const { roles, unknown } = await mapRoles(em, identity.roles);
  user.profile = profileOf(identity);
  if (identity.roles) user.roles.set(roles);
  await em.flush();
  return unknown;
}
