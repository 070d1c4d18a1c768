import type { EntityManager } from '@mikro-orm/postgresql';
import { jsonColumn, pgArray } from '../db/sql.js';
import type { Statement } from '../db/statements.js';
import { newId } from '../ids.js';

/** The audit_events table: every statement on it (AuditLog, audit.service.ts, is its service; the purge deletes old rows). */

export interface AuditRecord {
  actor: string;
  action: string;
  target?: string | null;
  outcome: string;
  /** Ids, codes, durations: never a password, token, key or pool secret. */
  details?: Record<string, unknown>;
}

export interface AuditFilter {
  actor?: string | null;
  action?: string | null;
  targetId?: string | null;
  outcome?: string | null;
  since?: Date | null;
}

export interface AuditEventView {
  id: string;
  actor: string;
  action: string;
  targetId: string | null;
  outcome: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

function where(filter: AuditFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [
    ['actor', filter.actor],
    ['action', filter.action],
    ['target', filter.targetId],
    ['outcome', filter.outcome],
  ] as const) {
    if (value) {
      clauses.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (filter.since) {
    clauses.push('created_at >= ?');
    params.push(filter.since);
  }
  return { sql: clauses.length ? clauses.join(' and ') : 'true', params };
}

const toView = (row: Record<string, unknown>): AuditEventView => ({
  id: row.id as string,
  actor: row.actor as string,
  action: row.action as string,
  targetId: (row.target as string | null) ?? null,
  outcome: row.outcome as string,
  details: jsonColumn(row.details),
  createdAt: new Date(row.created_at as string),
});

/** The insert of one event, for callers that batch it with their own writes. */
export function auditEventStatement(event: AuditRecord): Statement {
  return {
    sql: 'insert into audit_events (id, actor, action, target, outcome, details, created_at) values (?, ?, ?, ?, ?, ?, now())',
    params: [newId(), event.actor, event.action, event.target ?? null, event.outcome, JSON.stringify(event.details ?? {})],
  };
}

export async function insertAuditEvent(em: EntityManager, event: AuditRecord): Promise<void> {
  const { sql, params } = auditEventStatement(event);
  await em.getConnection().execute(sql, params);
}

/**
 * Successful sign-ins decided by each pool per UTC day since `since` (sign-in.service.ts records the deciding pool
 * as details.pool): `pool|YYYY-MM-DD` → count, days without any left out. The indexed created_at bound comes first.
 */
export async function poolSignInsByDay(em: EntityManager, poolIds: readonly string[], since: Date): Promise<Map<string, number>> {
  const rows = await em.getConnection().execute<Record<string, unknown>[]>(
    `select details->>'pool' as pool, to_char(created_at at time zone 'utc', 'YYYY-MM-DD') as day, count(*)::int as count
     from audit_events where created_at >= ? and action = 'sign-in' and outcome = 'ok' and details->>'pool' = any(?::text[])
     group by 1, 2`,
    [since, pgArray(poolIds)],
  );
  return new Map(rows.map((row) => [`${row.pool as string}|${row.day as string}`, row.count as number]));
}

/** Newest first; keyset on (created_at, id) after the cursor's event, so paging never skips or repeats. */
export async function auditEventsPage(em: EntityManager, filter: AuditFilter, first: number, afterId: string | null): Promise<AuditEventView[]> {
  const { sql, params } = where(filter);
  const after = afterId ? ' and (created_at, id) < (select created_at, id from audit_events where id = ?)' : '';
  const rows: Record<string, unknown>[] = await em
    .getConnection()
    .execute(
      `select id, actor, action, target, outcome, details, created_at from audit_events where ${sql}${after} order by created_at desc, id desc limit ?`,
      [...params, ...(afterId ? [afterId] : []), first + 1],
    );
  return rows.map(toView);
}

export async function countAuditEvents(em: EntityManager, filter: AuditFilter): Promise<number> {
  const { sql, params } = where(filter);
  const [row] = await em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from audit_events where ${sql}`, params);
  return Number(row?.n ?? 0);
}
