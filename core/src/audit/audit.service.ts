import type { EntityManager } from '@mikro-orm/postgresql';
import type { Statement } from '../db/statements.js';
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
}
