import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.js';

export const POOL_TYPES = ['EXTERNAL', 'IDP_FEDERATION', 'NATIVE'] as const;
export type PoolType = (typeof POOL_TYPES)[number];

export const TENANT_RESOLUTION_MODES = ['FROM_ATTRIBUTE', 'PREDEFINED', 'AUTO_CREATE'] as const;
export type TenantResolutionMode = (typeof TENANT_RESOLUTION_MODES)[number];

export const SOURCE_DELETION_ACTIONS = ['DISABLE', 'DELETE', 'KEEP'] as const;
export type SourceDeletionAction = (typeof SOURCE_DELETION_ACTIONS)[number];

export const POOL_HEALTH_STATUSES = ['UP', 'DEGRADED', 'DOWN', 'UNKNOWN'] as const;
export type PoolHealthStatus = (typeof POOL_HEALTH_STATUSES)[number];

export interface PoolSyncSettings {
  /** How often the pool is synced from its source; 0: never (imports and syncs on demand only). */
  intervalMinutes: number;
  /** What a sync does to users the source no longer has. */
  onSourceDeletion: SourceDeletionAction;
}

export const DEFAULT_SYNC_SETTINGS: PoolSyncSettings = { intervalMinutes: 0, onSourceDeletion: 'DISABLE' };

export interface PoolSettings {
  syncUserAttributes: boolean;
  jitMigration: boolean;
  tenantResolution: { mode: TenantResolutionMode; tenantId: string | null };
  /** How long a sign-in waits for this pool's source before treating it as unavailable. */
  timeoutMs?: number;
  /** IdP pools: sign an existing user in when the IdP vouches for their email (verified emails only). */
  linkExistingUsers?: boolean;
  /** Scheduled sync from the source (EXTERNAL pools). */
  sync?: PoolSyncSettings;
  /** EXTERNAL pools: admin edits of the pool's users go to the source too (write-back/, through an outbox). */
  writeBack?: boolean;
  /**
   * A refresh grant re-reads the user's roles, tenant and profile (and runs beforeTokenIssue again); off,
   * refreshed tokens keep the claims of the sign-in. Absent: on.
   */
  reloadClaimsOnRefresh?: boolean;
}

export const DEFAULT_SOURCE_TIMEOUT_MS = 5000;

export const UserPoolSchema = defineEntity({
  name: 'UserPool',
  tableName: 'user_pools',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    name: p.string().unique('user_pools_name_unique'),
    type: p.enum(POOL_TYPES),
    source: p.string(),
    /** The config without its secret fields. */
    config: p.json<Record<string, unknown>>().default('{}'),
    /** The secret fields, JSON sealed with AES-256-GCM bound to the pool id; never leaves the service. */
    sealedSecrets: p.text().nullable().hidden(),
    settings: p.json<PoolSettings>(),
    position: p.integer().index('user_pools_position_index'),
    enabled: p.boolean().default(true),
    /** The latest health: written by the periodic connection test and by imports and syncs (pool.repository.ts). */
    healthStatus: p.enum(POOL_HEALTH_STATUSES).default('UNKNOWN'),
    healthCheckedAt: p.datetime().nullable(),
    healthMessage: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class UserPool extends UserPoolSchema.class {}
UserPoolSchema.setClass(UserPool);
