import { Migration } from '@mikro-orm/migrations';

/**
 * Native pools: the mail outbox and one-time codes.
 *
 * `mail_outbox`: a mail waits here, written in the transaction of what it tells about, until a job hands
 * it to the SMTP server; the row is deleted once delivered. Its variables (codes among them) are sealed
 * with the secrets key, bound to the row: a reader of the database never sees a live code. `expires_at`:
 * a mail that could not be delivered by then (its code expired) is dropped, not sent late.
 *
 * `one_time_codes`: one live code per user and purpose (the primary key), as a keyed digest, never the
 * code; `attempts` counts wrong guesses.
 */
export class NativePools extends Migration {
  override up(): void {
    this.addSql(`create table "mail_outbox" (
      "id" uuid not null primary key,
      "pool_id" uuid null references "user_pools" ("id") on delete set null,
      "recipient" text not null,
      "template" text not null,
      "sealed_vars" text not null,
      "attempts" int not null default 0,
      "last_error" text null,
      "created_at" timestamptz not null default now(),
      "expires_at" timestamptz not null);`);
    this.addSql(`create index "mail_outbox_created_at_index" on "mail_outbox" ("created_at");`);
    this.addSql(`create table "one_time_codes" (
      "user_id" uuid not null references "users" ("id") on delete cascade,
      "purpose" text not null check ("purpose" in ('ACTIVATION', 'PASSWORD_RESET', 'OTP_SIGN_IN')),
      "code_digest" text not null,
      "attempts" int not null default 0,
      "created_at" timestamptz not null default now(),
      "expires_at" timestamptz not null,
      primary key ("user_id", "purpose"));`);
    this.addSql(`create index "one_time_codes_expires_at_index" on "one_time_codes" ("expires_at");`);
  }
}
