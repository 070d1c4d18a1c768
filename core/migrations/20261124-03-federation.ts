import { Migration } from '@mikro-orm/migrations';

/** IdP federation: flows in flight, one-time authorization codes for apps, identities linked to existing users. */
export class Federation extends Migration {
  override up(): void {
    this.addSql(`create table "authorization_codes" ("code_hash" varchar(255) not null, "user_id" uuid not null, "pool" varchar(255) not null, "amr" jsonb not null, "redirect_uri" text not null, "code_challenge" varchar(255) null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("code_hash"));`);
    this.addSql(`create table "federation_flows" ("id" varchar(255) not null, "pool_id" uuid not null, "nonce" varchar(255) not null, "sealed_code_verifier" text not null, "app_redirect_uri" text not null, "app_state" text null, "app_code_challenge" varchar(255) null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "federation_flows_expires_index" on "federation_flows" ("expires_at");`);
    this.addSql(`create table "federated_identities" ("pool_id" uuid not null, "subject" varchar(255) not null, "user_id" uuid not null, "created_at" timestamptz not null, primary key ("pool_id", "subject"));`);
    this.addSql(`create index "federated_identities_user_index" on "federated_identities" ("user_id");`);
    this.addSql(`create index "authorization_codes_user_index" on "authorization_codes" ("user_id");`);
    this.addSql(`alter table "authorization_codes" add constraint "authorization_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "federation_flows" add constraint "federation_flows_pool_id_foreign" foreign key ("pool_id") references "user_pools" ("id") on delete cascade;`);
    this.addSql(`alter table "federated_identities" add constraint "federated_identities_pool_id_foreign" foreign key ("pool_id") references "user_pools" ("id") on delete cascade;`);
    this.addSql(`alter table "federated_identities" add constraint "federated_identities_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }
}
