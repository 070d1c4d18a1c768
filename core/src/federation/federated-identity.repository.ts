import type { EntityManager } from '@mikro-orm/postgresql';

/** The federated_identities table: IdP identities linked to existing users (by verified email, when the pool allows it). */

export async function linkedUserId(em: EntityManager, poolId: string, subject: string): Promise<string | null> {
  const [row] = await em
    .getConnection()
    .execute<{ user_id: string }[]>('select user_id from federated_identities where pool_id = ? and subject = ?', [poolId, subject]);
  return row?.user_id ?? null;
}

/** Links the identity to the user; a link that already exists (a concurrent callback) stays as it is. */
export async function linkIdentity(em: EntityManager, poolId: string, subject: string, userId: string): Promise<void> {
  await em
    .getConnection()
    .execute('insert into federated_identities (pool_id, subject, user_id, created_at) values (?, ?, ?, now()) on conflict do nothing', [
      poolId,
      subject,
      userId,
    ]);
}
