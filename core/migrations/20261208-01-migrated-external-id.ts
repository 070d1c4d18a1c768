import { Migration } from '@mikro-orm/migrations';

/**
 * The merge of an import or sync finds a pool's migrated users by their source id, so it leaves them
 * alone even once their email changed at the source (instead of making a second user of them): one
 * index probe per row.
 */
export class MigratedExternalId extends Migration {
  override up(): void {
    this.addSql(
      `create index "users_migrated_from_external_id_index" on "users" ("migrated_from_id", "external_id") where "migrated_from_id" is not null;`,
    );
  }
}
