import { Migration } from '@mikro-orm/migrations';

/** Tenants, roles, users, pools, prehooks, admin keys and the audit log. */
export class InitialSchema extends Migration {
  override up(): void {
    this.addSql(`create table "admin_keys" ("id" uuid not null, "name" varchar(255) not null, "key_hash" varchar(255) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "admin_keys" add constraint "admin_keys_key_hash_unique" unique ("key_hash");`);
    this.addSql(`create table "audit_events" ("id" uuid not null, "actor" varchar(255) not null, "action" varchar(255) not null, "target" varchar(255) null, "outcome" varchar(255) not null, "details" jsonb not null default '{}', "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "audit_events_action_index" on "audit_events" ("action");`);
    this.addSql(`create index "audit_events_created_at_index" on "audit_events" ("created_at");`);
    this.addSql(`create table "prehooks" ("id" uuid not null, "name" varchar(255) not null, "event" text not null, "code" text not null, "enabled" boolean not null default true, "position" int not null, "timeout_ms" int not null default 1000, "failure_policy" text not null default 'DENY', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "prehooks_event_position_index" on "prehooks" ("event", "position");`);
    this.addSql(`alter table "prehooks" add constraint "prehooks_event_check" check ("event" in ('beforeUserCreate', 'beforeSignIn', 'afterAuthentication', 'userMigrated', 'beforeTokenIssue'));`);
    this.addSql(`alter table "prehooks" add constraint "prehooks_failure_policy_check" check ("failure_policy" in ('DENY', 'CONTINUE'));`);
    this.addSql(`create table "roles" ("id" uuid not null, "key" varchar(255) not null, "name" varchar(255) not null, "description" text null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "roles" add constraint "roles_key_unique" unique ("key");`);
    this.addSql(`create table "tenants" ("id" varchar(255) not null, "name" varchar(255) not null, "metadata" jsonb not null default '{}', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create table "user_pools" ("id" uuid not null, "name" varchar(255) not null, "type" text not null, "source" varchar(255) not null, "config" jsonb not null default '{}', "sealed_secrets" text null, "settings" jsonb not null, "position" int not null, "enabled" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "user_pools" add constraint "user_pools_name_unique" unique ("name");`);
    this.addSql(`create index "user_pools_position_index" on "user_pools" ("position");`);
    this.addSql(`alter table "user_pools" add constraint "user_pools_type_check" check ("type" in ('EXTERNAL', 'IDP_FEDERATION', 'NATIVE'));`);
    this.addSql(`create table "users" ("id" uuid not null, "email" varchar(255) not null, "status" text not null default 'ACTIVE', "tenant_id" varchar(255) null, "profile" jsonb not null default '{}', "metadata" jsonb not null default '{}', "pool_id" uuid null, "migrated_from_id" uuid null, "external_id" varchar(255) null, "password_hash" varchar(255) null, "migrated_at" timestamptz null, "last_sign_in_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`create index "users_tenant_id_index" on "users" ("tenant_id", "id");`);
    this.addSql(`create index "users_pool_id_index" on "users" ("pool_id", "id");`);
    this.addSql(`create index "users_status_id_index" on "users" ("status", "id");`);
    this.addSql(`create index "users_migrated_from_index" on "users" ("migrated_from_id");`);
    this.addSql(`create index "users_email_prefix_index" on "users" ("email" text_pattern_ops);`);
    this.addSql(`alter table "users" add constraint "users_pool_external_id_unique" unique ("pool_id", "external_id");`);
    this.addSql(`alter table "users" add constraint "users_status_check" check ("status" in ('ACTIVE', 'PENDING_ACTIVATION', 'DISABLED'));`);
    this.addSql(`create table "user_roles" ("user_id" uuid not null, "role_id" uuid not null, primary key ("user_id", "role_id"));`);
    this.addSql(`alter table "users" add constraint "users_tenant_id_foreign" foreign key ("tenant_id") references "tenants" ("id") on delete restrict;`);
    this.addSql(`alter table "users" add constraint "users_pool_id_foreign" foreign key ("pool_id") references "user_pools" ("id") on delete restrict;`);
    this.addSql(`alter table "users" add constraint "users_migrated_from_id_foreign" foreign key ("migrated_from_id") references "user_pools" ("id") on delete set null;`);
    this.addSql(`alter table "user_roles" add constraint "user_roles_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "user_roles" add constraint "user_roles_role_id_foreign" foreign key ("role_id") references "roles" ("id") on update cascade on delete cascade;`);
    this.addSql(`create index "user_roles_role_id_index" on "user_roles" ("role_id");`);
  }
}
