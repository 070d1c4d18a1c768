import type { EntityManager } from '@mikro-orm/postgresql';
import type { Statement } from '../db/statements.js';
import { badInput } from '../errors.js';
import { uuid } from '../graphql/inputs.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';

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
  details: (typeof row.details === 'string' ? JSON.parse(row.details) : row.details) as Record<string, unknown>,
  createdAt: new Date(row.created_at as string),
});

export class AuditLog {
  constructor(
    private readonly em: EntityManager,
    private readonly logger: Logger,
  ) {}

  /** The insert of one event, for callers that batch it with their own writes. */
  static statement(event: AuditRecord): Statement {
    return {
      sql: 'insert into audit_events (id, actor, action, target, outcome, details, created_at) values (?, ?, ?, ?, ?, ?, now())',
      params: [newId(), event.actor, event.action, event.target ?? null, event.outcome, JSON.stringify(event.details ?? {})],
    };
  }

  /** Written outside the caller's unit of work so a failed operation is still recorded. */
  async record(event: AuditRecord): Promise<void> {
    try {
      const { sql, params } = AuditLog.statement(event);
      await this.em.getConnection().execute(sql, params);
    } catch (error) {
      this.logger.error({ err: error, action: event.action }, 'could not write an audit event');
    }
  }

  /** Newest first; keyset on (created_at, id) after the cursor's event, so paging never skips or repeats. */
  async page(filter: AuditFilter, first: number, afterId: string | null): Promise<AuditEventView[]> {
    if (afterId !== null && !uuid.safeParse(afterId).success) throw badInput('after', 'is not a cursor this API issued');
    const { sql, params } = where(filter);
    const after = afterId ? ' and (created_at, id) < (select created_at, id from audit_events where id = ?)' : '';
    const rows: Record<string, unknown>[] = await this.em
      .getConnection()
      .execute(
        `select id, actor, action, target, outcome, details, created_at from audit_events where ${sql}${after} order by created_at desc, id desc limit ?`,
        [...params, ...(afterId ? [afterId] : []), first + 1],
      );
    return rows.map(toView);
  }

  async count(filter: AuditFilter): Promise<number> {
    const { sql, params } = where(filter);
    const [row] = await this.em.getConnection().execute<{ n: number }[]>(`select count(*)::int as n from audit_events where ${sql}`, params);
    return Number(row?.n ?? 0);
  }
}
