import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, notFound } from '../errors.js';
import { AdminKey } from './admin-key.entity.js';

const PREFIX = 'trb_admin_';

export const hashAdminKey = (key: string): string => createHash('sha256').update(key).digest('hex');
export const generateAdminKey = (): string => PREFIX + randomBytes(32).toString('base64url');

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
    const adminKey = this.em.create(AdminKey, { name, keyHash: hashAdminKey(key) });
    await this.em.flush();
    return { key, adminKey };
  }

  async count(): Promise<number> {
    return this.em.count(AdminKey, { revokedAt: null });
  }

  /**
   * One statement per request: look the key up by hash and touch `last_used_at` at most once a
   * minute (a write per request would turn every admin read into a write).
   */
  async authenticate(key: string): Promise<AdminActor | null> {
    const rows: { id: string; name: string }[] = await this.em.getConnection().execute(
      `with k as (select id, name, last_used_at from admin_keys where key_hash = ? and revoked_at is null),
            touch as (update admin_keys a set last_used_at = now() from k
                      where a.id = k.id and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute'))
       select id, name from k`,
      [hashAdminKey(key)],
    );
    return rows[0] ?? null;
  }

  /** The keys that work; never their hashes. */
  async list(filter: { name?: string } = {}): Promise<AdminKeyView[]> {
    const keys = await this.em.find(AdminKey, { revokedAt: null, ...(filter.name ? { name: filter.name } : {}) }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return keys.map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt: lastUsedAt ?? null }));
  }

  /**
   * Revokes a key unless it is the last one that works (with none left, only SQL could let an admin
   * back in). The active keys are locked, so two admins revoking the last two keys at once cannot
   * both succeed: the second sees the first's revocation and counts one key.
   */
  async revoke(id: string): Promise<boolean> {
    const revoked = await this.em.getConnection().execute<{ id: string }[]>(
      `with active as (select id from admin_keys where revoked_at is null for update)
       update admin_keys set revoked_at = now()
       where id = ? and revoked_at is null and (select count(*) from active) > 1
       returning id`,
      [id],
    );
    if (revoked.length) return true;
    const [key] = await this.em.getConnection().execute<{ id: string }[]>('select id from admin_keys where id = ? and revoked_at is null', [id]);
    if (key) throw conflict('this is the last admin key: create another one before revoking it');
    throw notFound('admin key', id);
  }
}
