import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AdminKey } from './admin-key.entity.js';

const PREFIX = 'trb_admin_';

export const hashAdminKey = (key: string): string => createHash('sha256').update(key).digest('hex');
export const generateAdminKey = (): string => PREFIX + randomBytes(32).toString('base64url');

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
}
