import { Migration } from '@mikro-orm/migrations';

/** Token signing keys, refresh tokens (hashed, in rotation families) and failed sign-in counters. */
export class SignInAndTokens extends Migration {
  override up(): void {
    this.addSql(`create table "sign_in_attempts" ("key" varchar(255) not null, "failures" int not null, "window_started_at" timestamptz not null, "blocked_until" timestamptz null, primary key ("key"));`);
    this.addSql(`create table "signing_keys" ("id" varchar(255) not null, "algorithm" varchar(255) not null, "public_jwk" jsonb not null, "sealed_private_jwk" text not null, "created_at" timestamptz not null, "retired_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create table "refresh_tokens" ("id" uuid not null, "family_id" uuid not null, "user_id" uuid not null, "token_hash" varchar(255) not null, "pool" varchar(255) not null, "amr" jsonb not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "refresh_tokens_family_index" on "refresh_tokens" ("family_id");`);
    this.addSql(`create index "refresh_tokens_user_index" on "refresh_tokens" ("user_id");`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }
}
