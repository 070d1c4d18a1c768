import { SourceError, type Identity } from '@tributary/plugin-kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../ids.js';
import type { UserPool } from '../pools/pool.entity.js';
import type { UserSnapshot } from '../prehooks/events.js';
import { RoleService } from '../roles/role.service.js';
import { newTenantForEachStatement } from '../tenants/tenant.repository.js';
import { TenantService } from '../tenants/tenant.service.js';
import type { User } from '../users/user.entity.js';
import { insertUserUnlessTaken, reloadUserByEmail } from '../users/user.repository.js';

/** Source-owned attributes as stored: the identity's profile plus whether the source verified the email. */
export const profileOf = (identity: Identity): Record<string, unknown> => ({ ...identity.profile, email_verified: identity.emailVerified });

/** Local roles whose key equals a source role name; the others are reported, not created. */
const mapRoles = (em: EntityManager, names: readonly string[] | undefined) => new RoleService(em).byKeys(names ?? []);

/**
 * The tenant of a new user by the pool's mode, before anything is created: FROM_ATTRIBUTE takes the
 * identity's tenantId, PREDEFINED the pool's, AUTO_CREATE null (its tenant is made with the user).
 */
export function plannedTenant(pool: UserPool, identity: Identity): string | null {
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
  const ownTenant = tenant === 'autoCreate' ? newTenantForEachStatement('u', newId(), `${email}'s tenant`) : undefined;
  const tenantId = ownTenant ? (ownTenant.params[0] as string) : (tenant as string | null);
  const id = newId();
  const created = await insertUserUnlessTaken(
    em,
    {
      id,
      email,
      tenantId,
      profile: draft.profile,
      metadata: draft.metadata,
      poolId: migrate ? null : pool.id,
      migratedFromId: migrate ? pool.id : null,
      externalId: identity.externalId,
      passwordHash: migrate ? await passwordHash!() : null,
      migratedAt: migrate ? new Date() : null,
    },
    roles.map((role) => role.id),
    ownTenant,
  );
  const user = await reloadUserByEmail(em, email);
  // Not inserted, and nobody has the email: another user of the pool holds this external id.
  if (!user) throw new SourceError('BAD_RESPONSE', 'the source answered with an id that another user of this pool already has');
  return { user, unknownRoles: unknown, created };
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
