import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, notFound } from '../errors/index.js';
import { hashOpaqueToken, newOpaqueToken } from '../secrets/opaque-token.js';
import { AdminKey } from './admin-key.entity.js';
import { findActiveKeyTouching, isActiveKey, revokeUnlessLast } from './admin-key.repository.js';

const PREFIX = 'trb_admin_';

export const generateAdminKey = (): string => newOpaqueToken(PREFIX);

export interface AdminKeyView {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface AdminActor {
  id: string;
  name: string;
}

export class AdminKeyService {
  constructor(private readonly em: EntityManager) {}

  /** Stores only the hash; the key itself is returned once, to be printed once. */
  async create(name: string, key: string = generateAdminKey()): Promise<{ key: string; adminKey: AdminKey }> {
    const adminKey = this.em.create(AdminKey, { name, keyHash: hashOpaqueToken(key) });
    await this.em.flush();
    return { key, adminKey };
  }

  async count(): Promise<number> {
    return this.em.count(AdminKey, { revokedAt: null });
  }

  /** One statement per request; `last_used_at` is touched at most once a minute. */
  authenticate(key: string): Promise<AdminActor | null> {
    return findActiveKeyTouching(this.em, hashOpaqueToken(key));
  }

  /** The keys that work; never their hashes. */
  async list(filter: { name?: string } = {}): Promise<AdminKeyView[]> {
    const keys = await this.em.find(AdminKey, { revokedAt: null, ...(filter.name ? { name: filter.name } : {}) }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return keys.map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt: lastUsedAt ?? null }));
  }

  /**
   * Revokes a key unless it is the last one that works (with none left, only SQL could let an admin
   * back in); two concurrent revocations of the last two keys cannot both succeed.
   */
  async revoke(id: string): Promise<boolean> {
    if (await revokeUnlessLast(this.em, id)) return true;
    if (await isActiveKey(this.em, id)) throw conflict('this is the last admin key: create another one before revoking it');
    throw notFound('admin key', id);
  }
}
