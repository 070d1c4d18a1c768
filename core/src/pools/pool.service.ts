import { validateConfig, type ConnectionTestResult, type PoolSource } from '@tributary/plugin-kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput, conflict, notFound } from '../errors/index.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { countUsersOf } from '../users/user.repository.js';
import { maskedConfig, mergeConfigUpdate, openSecrets, secretKeptAcrossMove, splitConfig } from './pool-config.js';
import {
  DEFAULT_SOURCE_TIMEOUT_MS,
  DEFAULT_SYNC_SETTINGS,
  UserPool,
  type PoolHealthStatus,
  type PoolSettings,
  type PoolSyncSettings,
  type PoolType,
} from './pool.entity.js';
import type { PoolConnector } from './pool-connector.js';
import { nextPoolPosition } from './pool.repository.js';
import { parseNativeConfig } from './native-config.js';
import { NATIVE_SOURCE_KEY, type SourceRegistry } from './source-registry.js';

export interface PoolSettingsInput {
  syncUserAttributes?: boolean | null;
  jitMigration?: boolean | null;
  tenantResolution?: { mode: PoolSettings['tenantResolution']['mode']; tenantId?: string | null } | null;
  timeoutMs?: number | null;
  linkExistingUsers?: boolean | null;
  sync?: { intervalMinutes?: number | null; onSourceDeletion?: PoolSyncSettings['onSourceDeletion'] | null } | null;
  writeBack?: boolean | null;
  reloadClaimsOnRefresh?: boolean | null;
}

export interface CreatePoolInput {
  name: string;
  type: PoolType;
  source?: string | null;
  config?: Record<string, unknown> | null;
  settings?: PoolSettingsInput | null;
  enabled?: boolean | null;
}

export type UpdatePoolInput = { [K in keyof Omit<CreatePoolInput, 'type' | 'source'>]?: CreatePoolInput[K] | null };

export interface PoolView {
  pool: UserPool;
  config: Record<string, unknown>;
}

const WRITE_METHODS = ['createUser', 'updateUser', 'disableUser', 'enableUser', 'deleteUser'] as const;

const DEFAULT_SETTINGS: PoolSettings = {
  syncUserAttributes: false,
  jitMigration: false,
  tenantResolution: { mode: 'AUTO_CREATE', tenantId: null },
  timeoutMs: DEFAULT_SOURCE_TIMEOUT_MS,
};

export class PoolService {
  constructor(
    private readonly em: EntityManager,
    private readonly sources: SourceRegistry,
    private readonly box: SecretBox,
    private readonly connector: PoolConnector,
  ) {}

  list(): Promise<UserPool[]> {
    return this.em.find(UserPool, {}, { orderBy: { position: 'asc', id: 'asc' } });
  }

  async get(id: string): Promise<UserPool> {
    const pool = await this.em.findOne(UserPool, { id });
    if (!pool) throw notFound('user pool', id);
    return pool;
  }

  /** The config an admin may see: secret fields masked. */
  view(pool: UserPool): Record<string, unknown> {
    const source = pool.type === 'NATIVE' ? undefined : this.sources.get(pool.source);
    const secretFields = source?.secretFields ?? [];
    const set = Object.keys(openSecrets(pool.sealedSecrets, this.box, pool.id));
    return maskedConfig(pool.config, secretFields, set);
  }

  async create(input: CreatePoolInput): Promise<UserPool> {
    const source = this.sourceFor(input.type, input.source);
    const settings = await this.settings(input.type, DEFAULT_SETTINGS, input.settings);
    if (await this.em.findOne(UserPool, { name: input.name })) throw conflict(`a pool named "${input.name}" already exists`, 'input.name');
    const id = newId();
    const config = this.checkConfig(source, input.config ?? {});
    const { publicPart, sealed } = splitConfig(config, source?.secretFields ?? [], this.box, id);
    const position = await nextPoolPosition(this.em);
    const pool = this.em.create(UserPool, {
      id,
      name: input.name,
      type: input.type,
      source: source?.key ?? NATIVE_SOURCE_KEY,
      config: publicPart,
      sealedSecrets: sealed,
      settings,
      position,
      enabled: input.enabled ?? true,
      // Set here rather than at the flush: the write-back check connects before it.
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    if (settings.writeBack) await this.assertWritable(pool);
    await this.em.flush();
    return pool;
  }

  async update(id: string, input: UpdatePoolInput): Promise<UserPool> {
    const pool = await this.get(id);
    const source = this.sourceFor(pool.type, pool.source);
    if (input.name && input.name !== pool.name) {
      if (await this.em.findOne(UserPool, { name: input.name })) throw conflict(`a pool named "${input.name}" already exists`, 'input.name');
      pool.name = input.name;
    }
    if (input.settings) pool.settings = await this.settings(pool.type, pool.settings, input.settings);
    if (input.config) {
      const stored = { ...pool.config, ...openSecrets(pool.sealedSecrets, this.box, pool.id) };
      const config = this.checkConfig(source, mergeConfigUpdate(stored, input.config, source?.secretFields ?? []));
      const kept = source && secretKeptAcrossMove(source, stored, config, input.config);
      if (kept) {
        throw badInput(
          `input.config.${kept.secret}`,
          `must be sent again: the update changes ${kept.moved}, and a stored secret never follows a changed destination`,
        );
      }
      const { publicPart, sealed } = splitConfig(config, source?.secretFields ?? [], this.box, pool.id);
      pool.config = publicPart;
      pool.sealedSecrets = sealed;
      this.connector.forget(pool.id);
    }
    if (input.enabled !== undefined && input.enabled !== null) pool.enabled = input.enabled;
    if (input.settings?.writeBack) await this.assertWritable(pool);
    await this.em.flush();
    return pool;
  }

  /** Write-back needs a plugin that implements every write method (kit: createUser ... deleteUser). */
  private async assertWritable(pool: UserPool): Promise<void> {
    const connection = (await this.connector.connect(pool).catch(() => null)) as Record<string, unknown> | null;
    const missing = WRITE_METHODS.filter((method) => typeof connection?.[method] !== 'function');
    if (missing.length === 0) return;
    this.connector.forget(pool.id);
    throw badInput('input.settings.writeBack', `source "${pool.source}" cannot write back: it has no ${missing.join(', ')}`);
  }

  async delete(id: string): Promise<boolean> {
    const pool = await this.get(id);
    const owned = await countUsersOf(this.em, { pool: id });
    if (owned > 0) throw conflict(`pool "${pool.name}" still owns ${owned} user(s); delete or migrate them first`);
    await this.em.remove(pool).flush();
    this.connector.forget(id);
    return true;
  }

  /** `ids` must name every pool exactly once; the new order is the sign-in order. */
  async reorder(ids: readonly string[]): Promise<UserPool[]> {
    const pools = await this.list();
    const known = new Set(pools.map((pool) => pool.id));
    if (new Set(ids).size !== ids.length) throw badInput('ids', 'names a pool more than once');
    const stranger = ids.find((id) => !known.has(id));
    if (stranger) throw badInput('ids', `pool "${stranger}" does not exist`);
    if (ids.length !== pools.length) throw badInput('ids', `must list all ${pools.length} pools, in their new order`);
    const byId = new Map(pools.map((pool) => [pool.id, pool]));
    ids.forEach((id, position) => {
      byId.get(id)!.position = position;
    });
    await this.em.flush();
    return this.list();
  }

  /**
   * The pool's health: the shared one the connection test and jobs record, or what this node's own
   * recent calls to the source say (sign-ins, jobs; pool-breakers.ts), whichever is newer. An open
   * circuit always says DOWN.
   */
  health(pool: UserPool): { status: PoolHealthStatus; checkedAt: Date | null; message: string | null } {
    const stored = { status: pool.healthStatus, checkedAt: pool.healthCheckedAt ?? null, message: pool.healthMessage ?? null };
    const live = this.connector.breakers.health(pool.id);
    if (!live) return stored;
    const newer = !stored.checkedAt || live.checkedAt >= stored.checkedAt;
    return newer || this.connector.breakers.state(pool.id) === 'open' ? live : stored;
  }

  /** This node's breaker for the pool: a local estimate, beside the shared health the jobs record. */
  circuit(id: string): 'CLOSED' | 'OPEN' | 'HALF_OPEN' {
    return CIRCUIT[this.connector.breakers.state(id)];
  }

  async testConnection(id: string): Promise<ConnectionTestResult> {
    const pool = await this.get(id);
    if (pool.type === 'NATIVE') return { ok: true, message: 'native pools keep their users in Tributary: nothing to connect to' };
    return this.connector.test(pool);
  }

  private sourceFor(type: PoolType, key: string | null | undefined): PoolSource | undefined {
    if (type === 'NATIVE') {
      if (key && key !== NATIVE_SOURCE_KEY) throw badInput('input.source', 'NATIVE pools have no source');
      return undefined;
    }
    if (!key) throw badInput('input.source', `is required for ${type} pools`);
    const source = this.sources.get(key);
    if (!source) throw badInput('input.source', `"${key}" is not an installed pool source (see the poolSources query)`);
    if (source.type !== type) throw badInput('input.type', `source "${key}" makes ${source.type} pools, not ${type}`);
    return source;
  }

  private checkConfig(source: PoolSource | undefined, config: Record<string, unknown>): Record<string, unknown> {
    // A NATIVE pool has no source plugin: its config is the service's own (registration, payload schema, passwords, mails).
    if (!source) return parseNativeConfig(config);
    const result = validateConfig(source, config);
    if (!result.ok) {
      const issue = result.issues[0]!;
      const field = issue.path ? `input.config.${issue.path}` : 'input.config';
      throw new AppError('BAD_USER_INPUT', `${field}: ${issue.message}`, field);
    }
    return result.config as Record<string, unknown>;
  }

  private async settings(type: PoolType, current: PoolSettings, input: PoolSettingsInput | null | undefined): Promise<PoolSettings> {
    const next: PoolSettings = {
      syncUserAttributes: input?.syncUserAttributes ?? current.syncUserAttributes,
      jitMigration: input?.jitMigration ?? current.jitMigration,
      tenantResolution: input?.tenantResolution
        ? { mode: input.tenantResolution.mode, tenantId: input.tenantResolution.tenantId ?? null }
        : current.tenantResolution,
      timeoutMs: input?.timeoutMs ?? current.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS,
      linkExistingUsers: input?.linkExistingUsers ?? current.linkExistingUsers ?? false,
      sync: {
        intervalMinutes: input?.sync?.intervalMinutes ?? current.sync?.intervalMinutes ?? DEFAULT_SYNC_SETTINGS.intervalMinutes,
        onSourceDeletion: input?.sync?.onSourceDeletion ?? current.sync?.onSourceDeletion ?? DEFAULT_SYNC_SETTINGS.onSourceDeletion,
      },
      writeBack: input?.writeBack ?? current.writeBack ?? false,
      reloadClaimsOnRefresh: input?.reloadClaimsOnRefresh ?? current.reloadClaimsOnRefresh ?? true,
    };
    if (next.writeBack && type !== 'EXTERNAL') throw badInput('input.settings.writeBack', 'only EXTERNAL pools have a user store to write back to');
    if (next.sync!.intervalMinutes > 0 && type !== 'EXTERNAL') {
      throw badInput('input.settings.sync.intervalMinutes', 'only EXTERNAL pools sync from their source (an IdP or a native pool has no user list to read)');
    }
    if (next.linkExistingUsers && type !== 'IDP_FEDERATION') {
      throw badInput('input.settings.linkExistingUsers', 'only IdP federation pools link identities to existing users');
    }
    if (next.jitMigration && type === 'IDP_FEDERATION') {
      throw badInput('input.settings.jitMigration', 'just-in-time migration is not possible for IdP federation pools: users always sign in on the IdP');
    }
    if (next.jitMigration && type === 'NATIVE') throw badInput('input.settings.jitMigration', 'native pools already keep their users in Tributary');
    const { mode, tenantId } = next.tenantResolution;
    if (mode === 'PREDEFINED') {
      if (!tenantId) throw badInput('input.settings.tenantResolution.tenantId', 'is required when mode is PREDEFINED');
      if (!(await this.em.findOne(Tenant, { id: tenantId }))) throw badInput('input.settings.tenantResolution.tenantId', `tenant "${tenantId}" does not exist`);
    } else if (tenantId) {
      throw badInput('input.settings.tenantResolution.tenantId', `only PREDEFINED takes a tenantId, not ${mode}`);
    }
    return next;
  }
}

const CIRCUIT = { closed: 'CLOSED', open: 'OPEN', 'half-open': 'HALF_OPEN' } as const;
