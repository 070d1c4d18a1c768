import type { EntityManager } from '@mikro-orm/postgresql';
import type { Statement } from '../db/statements.js';
import { badInput } from '../errors/index.js';
import { uuid } from '../graphql/inputs.js';
import type { Logger } from '../logger.js';
import {
  auditEventsPage,
  auditEventStatement,
  countAuditEvents,
  insertAuditEvent,
  type AuditEventView,
  type AuditFilter,
  type AuditRecord,
} from './audit-event.repository.js';

export type { AuditEventView, AuditFilter, AuditRecord } from './audit-event.repository.js';

export class AuditLog {
  constructor(
    private readonly em: EntityManager,
    private readonly logger: Logger,
  ) {}

  /** The insert of one event, for callers that batch it with their own writes. */
  static statement(event: AuditRecord): Statement {
    return auditEventStatement(event);
  }

  /** Written outside the caller's unit of work so a failed operation is still recorded. */
  async record(event: AuditRecord): Promise<void> {
    try {
      await insertAuditEvent(this.em, event);
    } catch (error) {
      this.logger.error({ err: error, action: event.action }, 'could not write an audit event');
    }
  }

  /** Newest first; keyset on (created_at, id) after the cursor's event, so paging never skips or repeats. */
  async page(filter: AuditFilter, first: number, afterId: string | null): Promise<AuditEventView[]> {
    if (afterId !== null && !uuid.safeParse(afterId).success) throw badInput('after', 'is not a cursor this API issued');
    return auditEventsPage(this.em, filter, first, afterId);
  }

  count(filter: AuditFilter): Promise<number> {
    return countAuditEvents(this.em, filter);
  }
}
