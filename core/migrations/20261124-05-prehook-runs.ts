import { Migration } from '@mikro-orm/migrations';

/** The prehook execution log: the last runs of each prehook (pruned on insert), gone with its prehook. */
export class PrehookRuns extends Migration {
  override up(): void {
    this.addSql(`create table "prehook_runs" ("id" uuid not null, "prehook_id" uuid not null, "event" text not null, "ok" boolean not null, "error_kind" text null, "error_message" text null, "error_line" int null, "duration_ms" double precision not null, "log" jsonb not null default '[]', "log_truncated" boolean not null default false, "test" boolean not null default false, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "prehook_runs_prehook_created_index" on "prehook_runs" ("prehook_id", "created_at" desc, "id" desc);`);
    this.addSql(`alter table "prehook_runs" add constraint "prehook_runs_prehook_id_foreign" foreign key ("prehook_id") references "prehooks" ("id") on delete cascade;`);
  }
}
