import { Migration } from '@mikro-orm/migrations';

/**
 * Write-back: a change the source refused (not an outage) is marked, not retried by itself: it waits,
 * with the changes after it, for an admin's retryWriteBack or discardWriteBack.
 */
export class WriteBackRejected extends Migration {
  override up(): void {
    this.addSql(`alter table "write_back_outbox" add column "rejected_at" timestamptz null;`);
  }
}
