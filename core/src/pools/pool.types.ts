import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { z } from 'zod';
import { stringEnum } from '../graphql/enums.js';
import { jsonObject, name, slug } from '../graphql/inputs.js';
import { DateTimeScalar, JSONObjectScalar } from '../graphql/scalars.js';
import {
  POOL_HEALTH_STATUSES,
  POOL_TYPES,
  SOURCE_DELETION_ACTIONS,
  TENANT_RESOLUTION_MODES,
  type PoolHealthStatus,
  type PoolType,
  type SourceDeletionAction,
  type TenantResolutionMode,
} from './pool.entity.js';

export const PoolTypeEnum = stringEnum(POOL_TYPES, {
  name: 'PoolType',
  description: 'EXTERNAL: the source checks passwords. IDP_FEDERATION: the user signs in on the IdP.',
});
export const TenantResolutionModeEnum = stringEnum(TENANT_RESOLUTION_MODES, { name: 'TenantResolutionMode' });
export const SourceDeletionEnum = stringEnum(SOURCE_DELETION_ACTIONS, {
  name: 'SourceDeletion',
  description: 'What a sync does to users the source no longer has: DISABLE them (re-enabled if they reappear), DELETE them, or KEEP them as they are.',
});
export const PoolHealthStatusEnum = stringEnum(POOL_HEALTH_STATUSES, { name: 'PoolHealthStatus' });
export const PoolCircuitEnum = stringEnum(['CLOSED', 'OPEN', 'HALF_OPEN'] as const, { name: 'PoolCircuit' });

@ObjectType()
export class PoolSyncSettingsType {
  @Field(() => Int, { description: 'Minutes between scheduled syncs from the source; 0: none.' }) intervalMinutes!: number;
  @Field(() => SourceDeletionEnum) onSourceDeletion!: SourceDeletionAction;
}

@ObjectType('PoolHealth')
export class PoolHealthType {
  @Field(() => PoolHealthStatusEnum, {
    description:
      "From the periodic connection test, the latest import or sync, or this node's calls to the source in the last minute (sign-ins included), whichever is newest; DOWN while this node's circuit is open; UNKNOWN until checked.",
  })
  status!: PoolHealthStatus;
  @Field(() => DateTimeScalar, { nullable: true }) checkedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'What works, or what to fix. Never a secret.' }) message!: string | null;
  @Field(() => PoolCircuitEnum, {
    description:
      "This node's circuit breaker for the pool's source: OPEN after repeated outages (its users get 503 at once, new users skip it), HALF_OPEN while a probe runs.",
  })
  circuit!: 'CLOSED' | 'OPEN' | 'HALF_OPEN';
}

@ObjectType('PoolStats')
export class PoolStatsType {
  @Field(() => Int, { description: 'Users of the pool: still in it, plus migrated from it.' }) users!: number;
  @Field(() => Int) migrated!: number;
  @Field(() => Int) notMigrated!: number;
  @Field(() => Int, { description: 'Users an import or sync created.' }) imported!: number;
  @Field(() => Int) signedInLast30Days!: number;
  @Field(() => DateTimeScalar, { nullable: true }) lastImportAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastSyncAt!: Date | null;
}

@ObjectType('PoolActivityDay')
export class PoolActivityDayType {
  @Field(() => String, { description: 'The UTC day, YYYY-MM-DD.' }) day!: string;
  @Field(() => Int, { description: "Successful sign-ins the pool's source decided that day." }) signIns!: number;
  @Field(() => Int, { description: 'Users migrated out of the pool that day.' }) migrated!: number;
}

@ObjectType()
export class TenantResolution {
  @Field(() => TenantResolutionModeEnum) mode!: TenantResolutionMode;
  @Field(() => String, { nullable: true }) tenantId!: string | null;
}

@ObjectType()
export class PoolSettingsType {
  @Field(() => Boolean) syncUserAttributes!: boolean;
  @Field(() => Boolean, { description: 'Irreversible per user: a migrated user stays local.' }) jitMigration!: boolean;
  @Field(() => TenantResolution) tenantResolution!: TenantResolution;
  @Field(() => Int, { description: 'How long a sign-in waits for the source, in ms.' }) timeoutMs!: number;
  @Field(() => Boolean, { description: 'IdP pools: an IdP identity whose verified email matches an existing user signs in as that user.' })
  linkExistingUsers!: boolean;
  @Field(() => PoolSyncSettingsType) sync!: PoolSyncSettingsType;
  @Field(() => Boolean, { description: 'EXTERNAL pools: admin creates, edits, status changes and deletes of its users are written to the source too.' })
  writeBack!: boolean;
  @Field(() => Boolean, {
    description:
      'A refresh grant re-reads the user’s roles, tenant and profile and runs beforeTokenIssue again; off: refreshed tokens keep the sign-in’s claims.',
  })
  reloadClaimsOnRefresh!: boolean;
}

@ObjectType('UserPool')
export class UserPoolType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => PoolTypeEnum) type!: PoolType;
  @Field(() => String) source!: string;
  @Field(() => JSONObjectScalar, { description: 'Secret fields that are set come back as "********".' }) config!: Record<string, unknown>;
  @Field(() => PoolSettingsType) settings!: PoolSettingsType;
  @Field(() => Int, { description: 'Sign-in order, from 0.' }) position!: number;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => PoolHealthType) health!: PoolHealthType;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

@ObjectType()
export class PoolSource {
  @Field(() => String) key!: string;
  @Field(() => String) displayName!: string;
  @Field(() => PoolTypeEnum) type!: PoolType;
  @Field(() => JSONObjectScalar, {
    description: 'JSON Schema of the config; secret fields have writeOnly: true, destination fields "x-tributary-destination": true.',
  })
  configSchema!: Record<string, unknown>;
  @Field(() => [String]) secretFields!: string[];
  @Field(() => [String], { description: 'Fields that decide where the secrets go: changing one requires every set secret to be sent again.' })
  destinationFields!: string[];
}

@ObjectType('ConnectionTestResult')
export class ConnectionTestResultType {
  @Field(() => Boolean) ok!: boolean;
  @Field(() => String) message!: string;
  @Field(() => JSONObjectScalar, { nullable: true }) details?: Record<string, unknown> | null;
}

const tenantResolution = z.object({ mode: z.enum(TENANT_RESOLUTION_MODES), tenantId: slug.nullish() }).nullish();
const settings = z
  .object({
    syncUserAttributes: z.boolean().nullish(),
    jitMigration: z.boolean().nullish(),
    tenantResolution,
    timeoutMs: z.number().int().min(100, 'must be at least 100').max(30_000, 'must be at most 30000').nullish(),
    linkExistingUsers: z.boolean().nullish(),
    sync: z
      .object({
        intervalMinutes: z.number().int().min(0, 'must be 0 (off) or more').max(10_080, 'must be at most 10080 (a week)').nullish(),
        onSourceDeletion: z.enum(SOURCE_DELETION_ACTIONS).nullish(),
      })
      .nullish(),
    writeBack: z.boolean().nullish(),
    reloadClaimsOnRefresh: z.boolean().nullish(),
  })
  .nullish();

@InputType()
export class PoolSyncSettingsInput {
  @Field(() => Int, { nullable: true, description: '0: no scheduled sync.' }) intervalMinutes?: number | null;
  @Field(() => SourceDeletionEnum, { nullable: true, description: 'Default DISABLE.' }) onSourceDeletion?: SourceDeletionAction | null;
}

@InputType()
export class TenantResolutionInput {
  @Field(() => TenantResolutionModeEnum) mode!: TenantResolutionMode;
  @Field(() => String, { nullable: true, description: 'Required for PREDEFINED.' }) tenantId?: string | null;
}

@InputType()
export class PoolSettingsInput {
  @Field(() => Boolean, { nullable: true }) syncUserAttributes?: boolean | null;
  @Field(() => Boolean, { nullable: true }) jitMigration?: boolean | null;
  @Field(() => TenantResolutionInput, { nullable: true }) tenantResolution?: TenantResolutionInput | null;
  @Field(() => Int, { nullable: true }) timeoutMs?: number | null;
  @Field(() => Boolean, { nullable: true }) linkExistingUsers?: boolean | null;
  @Field(() => PoolSyncSettingsInput, { nullable: true }) sync?: PoolSyncSettingsInput | null;
  @Field(() => Boolean, { nullable: true }) writeBack?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: 'Default true.' }) reloadClaimsOnRefresh?: boolean | null;
}

@InputType()
export class CreateUserPoolInput {
  static readonly schema = z.object({
    name,
    type: z.enum(POOL_TYPES),
    source: z.string().max(100).nullish(),
    config: jsonObject.nullish(),
    settings,
    enabled: z.boolean().nullish(),
  });
  @Field(() => String) name!: string;
  @Field(() => PoolTypeEnum) type!: PoolType;
  @Field(() => String, { nullable: true, description: 'Plugin key (see poolSources); none for NATIVE.' }) source?: string | null;
  @Field(() => JSONObjectScalar, { nullable: true }) config?: Record<string, unknown> | null;
  @Field(() => PoolSettingsInput, { nullable: true }) settings?: PoolSettingsInput | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
}

@InputType()
export class UpdateUserPoolInput {
  static readonly schema = z.object({ name: name.nullish(), config: jsonObject.nullish(), settings, enabled: z.boolean().nullish() });
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Secret fields left out or sent as "********" keep their value.' })
  config?: Record<string, unknown> | null;
  @Field(() => PoolSettingsInput, { nullable: true }) settings?: PoolSettingsInput | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
}
