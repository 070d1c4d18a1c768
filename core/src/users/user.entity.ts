import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.js';
import { UserPool } from '../pools/pool.entity.js';
import { Role } from '../roles/role.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';

export const USER_STATUSES = ['ACTIVE', 'PENDING_ACTIVATION', 'DISABLED'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    // Normalised (trimmed, lower-case) before it gets here; unique across all pools.
    email: p.string(),
    status: p.enum(USER_STATUSES).default('ACTIVE'),
    tenant: () => p.manyToOne(Tenant).nullable().deleteRule('restrict'),
    roles: () => p.manyToMany(Role).pivotTable('user_roles').joinColumn('user_id').inverseJoinColumn('role_id'),
    /** Source-owned attributes. */
    profile: p.json<Record<string, unknown>>().default('{}'),
    /** App-owned custom data. */
    metadata: p.json<Record<string, unknown>>().default('{}'),
    /** The pool that owns the credentials; null = local (native or migrated). */
    pool: () => p.manyToOne(UserPool).nullable().deleteRule('restrict'),
    migratedFrom: () => p.manyToOne(UserPool).nullable().deleteRule('set null'),
    externalId: p.string().nullable(),
    passwordHash: p.string().nullable().hidden(),
    migratedAt: p.datetime().nullable(),
    lastSignInAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  uniques: [
    { name: 'users_pool_external_id_unique', properties: ['pool', 'externalId'] },
    // One index for equality and prefix search (LIKE 'abc%'), whatever the database collation.
    { name: 'users_email_unique', expression: 'create unique index "users_email_unique" on "users" ("email" text_pattern_ops)' },
  ],
  indexes: [
    { name: 'users_tenant_id_index', properties: ['tenant', 'id'] },
    { name: 'users_pool_id_index', properties: ['pool', 'id'] },
    { name: 'users_status_id_index', properties: ['status', 'id'] },
    // Partial: only migrated users have an entry (every query on it names the pool they came from).
    {
      name: 'users_migrated_from_external_id_index',
      expression: 'create index "users_migrated_from_external_id_index" on "users" ("migrated_from_id", "external_id") where "migrated_from_id" is not null',
    },
  ],
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);

/**
 * Whether the user's credentials are checked here (DESIGN §4 rule 1): a local user (no pool: native or
 * migrated) or a user of a NATIVE pool. Only they have passwords, codes and activation here; users
 * stored externally sign in at their source.
 */
export const signsInHere = (user: { pool?: { type?: string } | null }): boolean => !user.pool || user.pool.type === 'NATIVE';
