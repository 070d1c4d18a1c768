import { Migration } from '@mikro-orm/migrations';

/**
 * Write-back: admin changes to users of a pool that writes back, committed with the change itself and
 * delivered to the source by a job. `user_id` has no foreign key: a delete must outlive its user.
 */
export class WriteBackOutbox extends Migration {
  override up(): void {
    this.addSql(`create table "write_back_outbox" (
      "id" uuid not null primary key,
      "seq" bigserial not null,
      "pool_id" uuid not null references "user_pools" ("id") on delete cascade,
      "user_id" uuid not null,
      "external_id" text null,
      "action" text not null check ("action" in ('CREATE', 'UPDATE', 'DISABLE', 'ENABLE', 'DELETE')),
      "payload" jsonb not null default '{}',
      "attempts" int not null default 0,
      "last_error" text null,
      "created_at" timestamptz not null,
      "delivered_at" timestamptz null);`);
    this.addSql(`create index "write_back_outbox_pending" on "write_back_outbox" ("user_id", "seq") where "delivered_at" is null;`);
  }
}
