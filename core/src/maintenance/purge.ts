import type { EntityManager } from '@mikro-orm/postgresql';
import { STALE_ATTEMPTS } from '../sign-in/throttle.js';

/** Rows deleted per statement: short transactions, no long locks, however much has piled up. */
export const PURGE_BATCH = 5_000;
/** One run stops after this long and leaves the rest to the next (a first run may face millions). */
const RUN_BUDGET_MS = 20_000;

interface PurgeRule {
  table: string;
  key: string;
  /** SQL condition of a row that may go. */
  expired: string;
}

/**
 * What expires, and when it may go. Rows a replay check still needs stay a while past their expiry: a
 * rotated refresh token replayed within a week of its expiry still revokes its family; a spent
 * authorization code or federation flow replayed within a day is still recognised as spent.
 */
const RULES: PurgeRule[] = [
  { table: 'refresh_tokens', key: 'id', expired: `expires_at < now() - interval '7 days'` },
  { table: 'authorization_codes', key: 'code_hash', expired: `expires_at < now() - interval '1 day'` },
  { table: 'federation_flows', key: 'id', expired: `expires_at < now() - interval '1 day'` },
  // The OpenID Provider's models (openid-provider/): oidc-provider tells a replayed code by its row until the code expires.
  { table: 'openid_provider_models', key: 'ctid', expired: `expires_at < now()` },
  // Throttle counters: every email tried and every address that tried, so an attacker could otherwise grow it without bound.
  { table: 'sign_in_attempts', key: 'key', expired: STALE_ATTEMPTS },
  // One-time codes a day past their expiry (until then a late try is still told apart as expired in the audit log).
  { table: 'one_time_codes', key: 'ctid', expired: `expires_at < now() - interval '1 day'` },
  // Mails never delivered before their code expired (the delivery drops them too; this catches a server without SMTP).
  { table: 'mail_outbox', key: 'id', expired: `expires_at < now()` },
];

export interface PurgeOptions {
  /** Audit events older than this many days go too; 0 keeps them forever (TRIBUTARY_AUDIT_RETENTION_DAYS). */
  auditRetentionDays: number;
}

/**
 * Deletes expired rows in batches and returns how many went, by table. Safe on several nodes at once:
 * rows another node is deleting are skipped, not waited for.
 *
 * The one exception to "a table's SQL lives in its repository": one generic batched delete serves
 * every table, each with its expiry rule above, so the purge policy reads in one place.
 */
export async function purgeExpiredRows(em: EntityManager, options: PurgeOptions): Promise<Record<string, number>> {
  const rules = [...RULES];
  if (options.auditRetentionDays > 0) {
    rules.push({ table: 'audit_events', key: 'id', expired: `created_at < now() - make_interval(days => ${Math.floor(options.auditRetentionDays)})` });
  }
  const started = performance.now();
  const deleted: Record<string, number> = {};
  for (const { table, key, expired } of rules) {
    deleted[table] = 0;
    for (;;) {
      const { affectedRows } = await em
        .getConnection()
        .execute<{ affectedRows: number }>(
          `delete from ${table} where ${key} in (select ${key} from ${table} where ${expired} limit ${PURGE_BATCH} for update skip locked)`,
          [],
          'run',
        );
      deleted[table] += affectedRows;
      if (affectedRows < PURGE_BATCH || performance.now() - started > RUN_BUDGET_MS) break;
    }
  }
  return deleted;
}
