import { Migration } from '@mikro-orm/migrations';

/** Signing keys by time: each key signs from its activates_at until the next key's, so every node agrees. */
export class SigningKeySchedule extends Migration {
  override up(): void {
    this.addSql(`alter table "signing_keys" add column "activates_at" timestamptz null;`);
    this.addSql(`update "signing_keys" set "activates_at" = "created_at";`);
    this.addSql(`alter table "signing_keys" alter column "activates_at" set not null;`);
    this.addSql(`alter table "signing_keys" rename column "retired_at" to "retires_at";`);
  }
}
