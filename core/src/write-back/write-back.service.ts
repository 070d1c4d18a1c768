import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction, nativePool } from '../db/transaction.js';
import { badInput, notFound } from '../errors/index.js';
import type { WriteBackAction } from './write-back.entity.js';
import { clearRejected, deleteItems, pendingOf, writeBackStatus, type WriteBackStatus } from './write-back.repository.js';

/** What an admin threw away, for the audit log: never a payload (a create's holds the sealed password). */
export interface DiscardedChange {
  action: WriteBackAction;
  error: string | null;
}

/** A user deleted here may still have its delete waiting; one with nothing waiting is asked about in vain. */
const nothingWaiting = (userId: string, userExists: boolean) =>
  userExists ? badInput('userId', 'the user has no write-back change waiting for the source') : notFound('user', userId);

/** Write-back as the admin API reads and steers it: whether a user's changes still wait for the source. */
export class WriteBackService {
  constructor(
    private readonly em: EntityManager,
    /** Hands users to the delivery job (after the commit). */
    private readonly deliver: (userIds: readonly string[]) => Promise<void>,
  ) {}

  async status(userIds: readonly string[]): Promise<Map<string, WriteBackStatus>> {
    return writeBackStatus(await nativePool(this.em), userIds);
  }

  /** Sends the user's pending changes now: a refused one again (the admin fixed the cause at the source), or one waiting out its backoff. */
  async retry(userId: string, userExists: boolean): Promise<void> {
    const db = await nativePool(this.em);
    const pending = await pendingOf(db, userId);
    if (pending.length === 0) throw nothingWaiting(userId, userExists);
    await clearRejected(db, userId);
    await this.deliver([userId]);
  }

  /**
   * Gives up on the user's refused change: the oldest pending one, which must be refused (an outage is
   * retried until it ends). A refused create takes the user's later changes with it: they address a
   * user the source never got. What is left goes to the source at once.
   */
  async discard(userId: string, userExists: boolean): Promise<DiscardedChange[]> {
    const db = await nativePool(this.em);
    const discarded = await inTransaction(db, async (client) => {
      const pending = await pendingOf(client, userId, true);
      const head = pending[0];
      if (!head) throw nothingWaiting(userId, userExists);
      if (!head.rejected) {
        throw badInput('userId', 'the oldest write-back change of the user was not refused by the source; it is retried until the source takes it');
      }
      const gone = head.action === 'CREATE' ? pending : [head];
      await deleteItems(
        client,
        gone.map((item) => item.id),
      );
      return gone.map((item) => ({ action: item.action, error: item.lastError }));
    });
    await this.deliver([userId]);
    return discarded;
  }
}
