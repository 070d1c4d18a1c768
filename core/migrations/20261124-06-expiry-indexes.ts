import { Migration } from '@mikro-orm/migrations';

/** What the purge of expired rows (core/src/maintenance) looks rows up by. */
export class ExpiryIndexes extends Migration {
  override up(): void {
    this.addSql(`create index "refresh_tokens_expires_index" on "refresh_tokens" ("expires_at");`);
    this.addSql(`create index "authorization_codes_expires_index" on "authorization_codes" ("expires_at");`);
    this.addSql(`create index "sign_in_attempts_window_index" on "sign_in_attempts" ("window_started_at");`);
  }
}
