import type { EntityManager } from '@mikro-orm/postgresql';
import { nativePool } from '../db/transaction.js';
import { writeBackStatus, type WriteBackStatus } from './write-back.repository.js';

/** Write-back as the admin API reads it: whether a user's changes still wait for the source. */
export class WriteBackService {
  constructor(private readonly em: EntityManager) {}

  async status(userIds: readonly string[]): Promise<Map<string, WriteBackStatus>> {
    return writeBackStatus(await nativePool(this.em), userIds);
  }
}
