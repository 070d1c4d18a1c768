import type { EntityManager } from '@mikro-orm/postgresql';
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

  /** Written outside the caller's unit of work so a failed operation is still recorded. */
  async record(event: AuditRecord): Promise<void> {
    try {
      await this.em
        .getConnection()
        .execute('insert into audit_events (id, actor, action, target, outcome, details, created_at) values (?, ?, ?, ?, ?, ?, now())', [
          newId(),
          event.actor,
          event.action,
          event.target ?? null,
          event.outcome,
          JSON.stringify(event.details ?? {}),
        ]);
    } catch (error) {
      this.logger.error({ err: error, action: event.action }, 'could not write an audit event');
    }
  }
}
