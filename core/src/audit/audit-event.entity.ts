import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.js';

export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    /** `admin-key:<name>`, `user:<id>`, `cli`, `system`. */
    actor: p.string(),
    /** `createUserPool`, `sign-in`, ... */
    action: p.string().index('audit_events_action_index'),
    target: p.string().nullable(),
    /** `ok` or an error code. */
    outcome: p.string(),
    /** Never a secret: callers pass only ids, codes and durations. */
    details: p.json<Record<string, unknown>>().default('{}'),
    createdAt: p
      .datetime()
      .onCreate(() => new Date())
      .index('audit_events_created_at_index'),
  },
});

export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
