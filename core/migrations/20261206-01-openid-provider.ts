import { Migration } from '@mikro-orm/migrations';

/**
 * Tributary as an OpenID Provider: the apps registered to sign users in through it, and the
 * provider's state (sessions, interactions, grants, codes, tokens), one table for every model kind
 * so that every node shares it and a restart loses nothing.
 */
export class OpenIdProvider extends Migration {
  override up(): void {
    this.addSql(`create table "app_clients" (
      "id" uuid not null primary key,
      "client_id" text not null,
      "name" text not null,
      "public" boolean not null,
      "secret_hash" text null,
      "redirect_uris" text[] not null,
      "post_logout_redirect_uris" text[] not null,
      "cors_origins" text[] not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "app_clients_secret_check" check ("public" = ("secret_hash" is null)));`);
    this.addSql(`create unique index "app_clients_client_id_unique" on "app_clients" ("client_id");`);
    // The federation API checks an app's redirect URI against every client's.
    this.addSql(`create index "app_clients_redirect_uris_index" on "app_clients" using gin ("redirect_uris");`);
    this.addSql(`create table "openid_provider_models" (
      "kind" text not null,
      "id" text not null,
      "payload" jsonb not null,
      "grant_id" text null,
      "uid" text null,
      "user_code" text null,
      "expires_at" timestamptz null,
      "consumed_at" timestamptz null,
      primary key ("kind", "id"));`);
    this.addSql(`create index "openid_provider_models_grant_id_index" on "openid_provider_models" ("grant_id") where "grant_id" is not null;`);
    this.addSql(`create index "openid_provider_models_uid_index" on "openid_provider_models" ("kind", "uid") where "uid" is not null;`);
    this.addSql(`create index "openid_provider_models_user_code_index" on "openid_provider_models" ("kind", "user_code") where "user_code" is not null;`);
    this.addSql(`create index "openid_provider_models_expires_index" on "openid_provider_models" ("expires_at") where "expires_at" is not null;`);
  }
}
