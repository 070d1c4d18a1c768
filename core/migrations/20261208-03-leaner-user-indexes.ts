import { Migration } from '@mikro-orm/migrations';

/**
 * Two indexes fewer on users, which every insert and import pays for:
 * - one index on email instead of two: the unique index is built with text_pattern_ops, which answers
 *   equality (sign-in, the merge's probe, `on conflict (email)`) and prefix search (LIKE 'abc%') whatever
 *   the database collation, so the separate prefix index only cost every insert and email change;
 * - migrated_from_id is served by the partial (migrated_from_id, external_id) index of 20261208-01 (every
 *   query on it names a pool), so the full index, a null entry for each user never migrated, goes.
 */
export class LeanerUserIndexes extends Migration {
  override up(): void {
    this.addSql(`create unique index "users_email_pattern_unique" on "users" ("email" text_pattern_ops);`);
    this.addSql(`alter table "users" drop constraint "users_email_unique";`);
    this.addSql(`alter index "users_email_pattern_unique" rename to "users_email_unique";`);
    this.addSql(`drop index "users_email_prefix_index";`);
    this.addSql(`drop index "users_migrated_from_index";`);
  }
}
