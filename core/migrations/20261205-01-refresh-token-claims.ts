import { Migration } from '@mikro-orm/migrations';

/**
 * A refresh token carries the claims of its sign-in (email, tenant, roles, profile claims, prehook
 * claims), copied along its family at each rotation: a pool with `reloadClaimsOnRefresh` off refreshes
 * with them instead of re-reading the user. Null for tokens issued before: they always re-read.
 */
export class RefreshTokenClaims extends Migration {
  override up(): void {
    this.addSql(`alter table "refresh_tokens" add column "claims" jsonb null;`);
  }
}
