import type { Identity } from '@tributary/plugin-kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserPool } from '../pools/pool.entity.js';
import type { SignInPrehooks } from '../prehooks/sign-in-hooks.js';
import { SignInError } from '../sign-in/errors.js';
import { provisionUser, syncUser } from '../sign-in/provisioning.js';
import { User } from '../users/user.entity.js';
import { normaliseEmail } from '../users/user.service.js';

export interface FederatedSignIn {
  user: User;
  details: Record<string, unknown>;
}

const POPULATE = ['pool', 'roles', 'tenant'] as const;

/**
 * Who an IdP identity is here: a user this pool created (by subject), an existing user linked to it,
 * an existing user it may be linked to (the pool allows it and the IdP verified the email), or a new
 * user. An unverified email never takes over an account.
 */
export async function federatedUser(em: EntityManager, pool: UserPool, identity: Identity, hooks: SignInPrehooks): Promise<FederatedSignIn> {
  const owned = await em.findOne(User, { pool: pool.id, externalId: identity.externalId }, { populate: POPULATE });
  const linked =
    owned ??
    (await em
      .getConnection()
      .execute<{ user_id: string }[]>('select user_id from federated_identities where pool_id = ? and subject = ?', [pool.id, identity.externalId])
      .then(([row]) => (row ? em.findOne(User, { id: row.user_id }, { populate: POPULATE }) : null)));
  if (linked) {
    const unknownRoles = pool.settings.syncUserAttributes && linked.pool?.id === pool.id ? await syncUser(em, linked, identity) : [];
    return { user: linked, details: { synced: pool.settings.syncUserAttributes && linked.pool?.id === pool.id, unknownRoles } };
  }
  const email = normaliseEmail(identity.email);
  const existing = await em.findOne(User, { email }, { populate: POPULATE });
  if (existing) {
    if (!pool.settings.linkExistingUsers) {
      throw Object.assign(new SignInError('access_denied', 'an account with this email already exists'), {
        details: { reason: 'linking disabled for this pool' },
      });
    }
    if (!identity.emailVerified) {
      throw Object.assign(new SignInError('access_denied', 'an account with this email already exists'), {
        details: { reason: 'the IdP did not verify the email' },
      });
    }
    await em
      .getConnection()
      .execute('insert into federated_identities (pool_id, subject, user_id, created_at) values (?, ?, ?, now()) on conflict do nothing', [
        pool.id,
        identity.externalId,
        existing.id,
      ]);
    return { user: existing, details: { linked: true } };
  }
  const { user, unknownRoles, created } = await provisionUser(em, pool, identity, email, null, (draft) => hooks.beforeUserCreate(draft, pool));
  if (user.pool?.id !== pool.id) throw new SignInError('access_denied', 'an account with this email already exists');
  return { user, details: { created, unknownRoles, firstSignIn: created } };
}
