import type { EntityManager } from '@mikro-orm/postgresql';
import { executeTogether } from '../db/statements.js';
import { forbidden, notFound } from '../errors/index.js';
import { assertPasswordAllowedForAdmin } from '../passwords/policy.js';
import { signsInHere } from '../users/user.entity.js';
import { findUserForSignIn } from '../users/user.repository.js';
import { newPasswordStatements, passwordPolicyOf } from './local-credentials.js';

/** The admin side of passwords (`setUserPassword`); audited by the mutation middleware like every mutation. */
export class AdminPasswordService {
  constructor(private readonly em: EntityManager) {}

  /**
   * Sets the password of a user whose credentials Tributary keeps (local, migrated, or of a NATIVE pool)
   * under the policy of the user's pool, and revokes all of the user's refresh-token families in the same
   * statement: whoever held a session before signs in again. The user's status is left as it is.
   *
   * A user of an EXTERNAL pool that is not migrated is refused (FORBIDDEN, naming the pool): the pool's
   * source checks that password at every sign-in, so a hash stored here would never be used, and taking
   * the user away from the source (a migration by hand) would stop its attribute sync and write-back
   * behind the admin's back. Set it at the source, or let jitMigration move the user here. The same for
   * users of an IdP pool: they have no password at all.
   */
  async setUserPassword(id: string, password: string): Promise<void> {
    const user = await findUserForSignIn(this.em, id);
    if (!user) throw notFound('user', id);
    if (!signsInHere(user)) {
      const pool = user.pool!;
      throw forbidden(
        `user ${id} signs in through pool "${pool.name}" (${pool.id}), whose ${pool.type === 'EXTERNAL' ? 'source' : 'identity provider'} checks the password: set it there${pool.type === 'EXTERNAL' ? ', or migrate the pool’s users (settings.jitMigration)' : ''}`,
      );
    }
    await assertPasswordAllowedForAdmin(password, { email: user.email, policy: passwordPolicyOf(user) }, 'password');
    await executeTogether(this.em, await newPasswordStatements(user.id, password));
  }
}
