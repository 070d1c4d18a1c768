import type { Identity } from '@tributary/plugin-kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserPool } from '../pools/pool.entity.js';
import type { SignInPrehooks } from '../prehooks/sign-in-hooks.js';
import { AccessDenied } from '../errors/index.js';
import { provisionUser, syncUser } from '../sign-in/provisioning.js';
import type { User } from '../users/user.entity.js';
import { userWithRelations } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { linkedUserId, linkIdentity } from './federated-identity.repository.js';

export interface FederatedSignIn {
  user: User;
  details: Record<string, unknown>;
}

/**
 * Who an IdP identity is here: a user this pool created (by subject), an existing user linked to it,
 * an existing user it may be linked to (the pool allows it and the IdP verified the email), or a new
 * user. An unverified email never takes over an account.
 */
export async function federatedUser(em: EntityManager, pool: UserPool, identity: Identity, hooks: SignInPrehooks): Promise<FederatedSignIn> {
  const owned = await userWithRelations(em, { pool: pool.id, externalId: identity.externalId });
  const linked = owned ?? (await linkedUserId(em, pool.id, identity.externalId).then((userId) => (userId ? userWithRelations(em, { id: userId }) : null)));
  if (linked) {
    const unknownRoles = pool.settings.syncUserAttributes && linked.pool?.id === pool.id ? await syncUser(em, linked, identity) : [];
    return { user: linked, details: { synced: pool.settings.syncUserAttributes && linked.pool?.id === pool.id, unknownRoles } };
  }
  const email = normaliseEmail(identity.email);
  const existing = await userWithRelations(em, { email });
  if (existing) {
    if (!pool.settings.linkExistingUsers) {
      throw new AccessDenied('an account with this email already exists', { details: { reason: 'linking disabled for this pool' } });
    }
    if (!identity.emailVerified) {
      throw new AccessDenied('an account with this email already exists', { details: { reason: 'the IdP did not verify the email' } });
    }
    await linkIdentity(em, pool.id, identity.externalId, existing.id);
    return { user: existing, details: { linked: true } };
  }
  const { user, unknownRoles, created } = await provisionUser(em, pool, identity, email, null, (draft) => hooks.beforeUserCreate(draft, pool));
  if (user.pool?.id !== pool.id) throw new AccessDenied('an account with this email already exists');
  return { user, details: { created, unknownRoles, firstSignIn: created } };
}
