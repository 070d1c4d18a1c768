import type { EntityManager } from '@mikro-orm/postgresql';
import type { ActivePrehook } from './prehook-cache.js';
import type { FailurePolicy, PrehookEvent } from './prehook.entity.js';

/*
 * The prehooks table beyond PrehookService's entity reads and edits: the sign-in's read of the enabled
 * prehooks, as plain rows (they outlive any EntityManager, in PrehookCache).
 */

/** The loader the server gives PrehookCache: one small query, no entities. */
export async function loadActivePrehooks(em: EntityManager): Promise<ActivePrehook[]> {
  const rows = await em
    .getConnection()
    .execute<{ id: string; name: string; event: PrehookEvent; code: string; position: number; timeout_ms: number; failure_policy: FailurePolicy }[]>(
      'select id, name, event, code, position, timeout_ms, failure_policy from prehooks where enabled',
    );
  return rows.map(({ timeout_ms, failure_policy, ...row }) => ({ ...row, timeoutMs: timeout_ms, failurePolicy: failure_policy }));
}
