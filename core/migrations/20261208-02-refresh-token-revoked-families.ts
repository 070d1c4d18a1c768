import { Migration } from '@mikro-orm/migrations';

/**
 * A refresh grant spends its token only if no token of its family was revoked (refresh-token.repository.ts
 * `rotateRefreshToken`): a successor inserted while a replay revoked the family is refused at its first use.
 * Revoked rows are few (whole families, until purged), so this partial index answers that check in one
 * probe, however long the family's chain of rotated tokens.
 */
export class RefreshTokenRevokedFamilies extends Migration {
  override up(): void {
    this.addSql(`create index "refresh_tokens_revoked_family_index" on "refresh_tokens" ("family_id") where "revoked_at" is not null;`);
  }
}
