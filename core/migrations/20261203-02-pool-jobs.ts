import { Migration } from '@mikro-orm/migrations';

/**
 * Import and sync jobs of a pool (pg-boss only delivers and retries them; their state is ours), the
 * external ids a sync saw (what is missing at the end is gone from the source), when a user was
 * imported, and each pool's latest health.
 */
export class PoolJobs extends Migration {
  override up(): void {
    this.addSql(`create table "pool_jobs" (
      "id" uuid not null primary key,
      "pool_id" uuid not null references "user_pools" ("id") on delete cascade,
      "kind" text not null check ("kind" in ('IMPORT', 'SYNC', 'FILE_IMPORT')),
      "status" text not null check ("status" in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
      "dry_run" boolean not null default false,
      "progress" jsonb not null default '{}',
      "report" jsonb not null default '{}',
      "error" text null,
      "cursor" text null,
      "pages_done" boolean not null default false,
      "attempt" int not null default 0,
      "created_at" timestamptz not null,
      "started_at" timestamptz null,
      "finished_at" timestamptz null,
      "updated_at" timestamptz not null);`);
    // One queued or running job per pool, whatever node asks: the second request is a conflict.
    this.addSql(`create unique index "pool_jobs_one_active" on "pool_jobs" ("pool_id") where "status" in ('QUEUED', 'RUNNING');`);
    this.addSql(`create index "pool_jobs_pool_id_index" on "pool_jobs" ("pool_id", "id");`);
    this.addSql(`create table "pool_job_seen" (
      "job_id" uuid not null references "pool_jobs" ("id") on delete cascade,
      "external_id" text not null,
      primary key ("job_id", "external_id"));`);
    this.addSql(`alter table "users" add column "imported_at" timestamptz null;`);
    this.addSql(`alter table "user_pools" add column "health_status" text not null default 'UNKNOWN',
      add column "health_checked_at" timestamptz null, add column "health_message" text null;`);
  }
}
