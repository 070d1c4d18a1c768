import { isSourceError, type ExternalConnection, type ProfileChanges } from '@tributary/plugin-kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, nativePool } from '../db/transaction.js';
import type { Logger } from '../logger.js';
import type { PoolConnector } from '../pools/pool-connector.js';
import { findPool } from '../pools/pool.repository.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { externalIdOf, setExternalId } from '../users/user.repository.js';
import { fillExternalId, markDelivered, markFailed, markRejected, nextPending, type OutboxRow } from './write-back.repository.js';

export interface DeliveryDeps {
  em: () => EntityManager;
  connector: PoolConnector;
  box: SecretBox;
  logger: Logger;
}

/** Associated data of a password sealed into an outbox row: it opens for that row only. */
export const sealedPasswordContext = (itemId: string): string => `write-back:${itemId}:password`;

/** A failure an admin may read on the user (User.writeBack.lastError): never a secret or an internal. */
class Undeliverable extends Error {}

const publicMessage = (error: unknown): string =>
  isSourceError(error)
    ? `${error.code}: ${error.message}`
    : error instanceof Undeliverable
      ? error.message
      : 'the source call failed; the server log has the details';

/**
 * What the source answered is final: it refused the change (REJECTED, UNSUPPORTED) or the change cannot be
 * sent at all. Sending it again by itself would fail the same way forever. An outage, throttling, a bad
 * answer or wrong pool credentials (INVALID_CONFIG: an admin fixes the pool, and it goes through) are retried.
 */
const isRefusal = (error: unknown): boolean =>
  error instanceof Undeliverable || (isSourceError(error) && (error.code === 'REJECTED' || error.code === 'UNSUPPORTED'));

/**
 * Delivers a user's pending changes to the pool's source, oldest first, stopping at the first that
 * fails. An outage is recorded on the row and thrown (the job is retried with backoff); a refusal is
 * recorded and held, with the changes after it, until an admin retries or discards it. A change the
 * source took but whose delivery we could not record is sent again with the same idempotency key, the row's id.
 */
export async function deliverWriteBack(deps: DeliveryDeps, userId: string): Promise<void> {
  const db = await nativePool(deps.em());
  for (let item = await nextPending(db, userId); item && !item.rejected; item = await nextPending(db, userId)) {
    try {
      await deliver(deps, item);
    } catch (error) {
      if (isRefusal(error)) {
        deps.logger.warn({ err: error, item: item.id, user: userId, action: item.action }, 'write-back refused by the source; held for an admin');
        await markRejected(db, item.id, publicMessage(error));
        return;
      }
      deps.logger.warn({ err: error, item: item.id, user: userId, action: item.action }, 'write-back not delivered; will retry');
      await markFailed(db, item.id, publicMessage(error));
      throw error;
    }
  }
}

async function deliver(deps: DeliveryDeps, item: OutboxRow): Promise<void> {
  const db = await nativePool(deps.em());
  const pool = await findPool(deps.em(), item.poolId);
  if (!pool) throw new Undeliverable('the pool was deleted');
  const method = { CREATE: 'createUser', UPDATE: 'updateUser', DISABLE: 'disableUser', ENABLE: 'enableUser', DELETE: 'deleteUser' }[item.action];
  const options = { idempotencyKey: item.id };
  // Through the pool's breaker and timeout, as every source call of a job.
  const source = <T>(operation: (connection: ExternalConnection) => Promise<T>): Promise<T> =>
    deps.connector.call(pool, async (connection) => {
      if (typeof (connection as ExternalConnection)[method as keyof ExternalConnection] !== 'function') {
        throw new Undeliverable(`source "${pool.source}" cannot ${method}`);
      }
      return operation(connection as ExternalConnection);
    });

  if (item.action === 'CREATE') {
    const { email, profile, tenantId, password } = item.payload as {
      email: string;
      profile?: Record<string, unknown>;
      tenantId?: string | null;
      password?: string;
    };
    const identity = await source((connection) =>
      connection.createUser!(
        {
          email,
          profile: profile ?? {},
          tenantId: tenantId ?? null,
          ...(password ? { password: deps.box.open(password, sealedPasswordContext(item.id)) } : {}),
        },
        options,
      ),
    );
    await inTransaction(db, async (client) => {
      await setExternalId(client, item.userId, identity.externalId);
      await fillExternalId(client, item.userId, identity.externalId);
      await markDelivered(client, item.id);
    });
    return;
  }
  const externalId = item.externalId ?? (await externalIdOf(db, item.userId));
  if (!externalId) throw new Undeliverable('the user has no id at the source yet');
  if (item.action === 'UPDATE') await source((connection) => connection.updateUser!(externalId, item.payload as ProfileChanges, options));
  else if (item.action === 'DISABLE') await source((connection) => connection.disableUser!(externalId, options));
  else if (item.action === 'ENABLE') await source((connection) => connection.enableUser!(externalId, options));
  else
    await source((connection) => connection.deleteUser!(externalId, options)).catch((error: unknown) => {
      // Gone already (deleted at the source, or a repeat of this delete whose answer was lost): what a delete asks for.
      // The kit's contract makes a write to a user the source does not have REJECTED, so that is how a delete learns it.
      if (!(isSourceError(error) && error.code === 'REJECTED')) throw error;
    });
  await markDelivered(db, item.id);
}
