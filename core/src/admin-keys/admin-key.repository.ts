import type { EntityManager } from '@mikro-orm/postgresql';

/*
 * The admin_keys table's hand-written statements; AdminKeyService creates and lists keys through the
 * entity API. Keys are found by `key_hash` (secrets/opaque-token.ts), never by the key.
 */

/**
 * One statement per request: the working key with this hash, touching `last_used_at` at most once a
 * minute (a write per request would turn every admin read into a write).
 */
export async function findActiveKeyTouching(em: EntityManager, keyHash: string): Promise<{ id: string; name: string } | null> {
  const rows: { id: string; name: string }[] = await em.getConnection().execute(
    `with k as (select id, name, last_used_at from admin_keys where key_hash = ? and revoked_at is null),
          touch as (update admin_keys a set last_used_at = now() from k
                    where a.id = k.id and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute'))
     select id, name from k`,
    [keyHash],
  );
  return rows[0] ?? null;
}

/**
 * Revokes the key unless it is the last one that works; true if it was revoked. The active keys are
 * locked, so two admins revoking the last two keys at once cannot both succeed: the second sees the
 * first's revocation and counts one key.
 */
export async function revokeUnlessLast(em: EntityManager, id: string): Promise<boolean> {
  const revoked = await em.getConnection().execute<{ id: string }[]>(
    `with active as (select id from admin_keys where revoked_at is null for update)
     update admin_keys set revoked_at = now()
     where id = ? and revoked_at is null and (select count(*) from active) > 1
     returning id`,
    [id],
  );
  return revoked.length > 0;
}

export async function isActiveKey(em: EntityManager, id: string): Promise<boolean> {
  const [key] = await em.getConnection().execute<{ id: string }[]>('select id from admin_keys where id = ? and revoked_at is null', [id]);
  return key !== undefined;
}
