import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.js';

export const PREHOOK_EVENTS = ['beforeUserCreate', 'beforeSignIn', 'afterAuthentication', 'userMigrated', 'beforeTokenIssue'] as const;
export type PrehookEvent = (typeof PREHOOK_EVENTS)[number];
export const FAILURE_POLICIES = ['DENY', 'CONTINUE'] as const;
export type FailurePolicy = (typeof FAILURE_POLICIES)[number];

export const PrehookSchema = defineEntity({
  name: 'Prehook',
  tableName: 'prehooks',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    name: p.string(),
    event: p.enum(PREHOOK_EVENTS),
    code: p.text(),
    enabled: p.boolean().default(true),
    position: p.integer(),
    timeoutMs: p.integer().default(1000),
    failurePolicy: p.enum(FAILURE_POLICIES).default('DENY'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  indexes: [{ name: 'prehooks_event_position_index', properties: ['event', 'position'] }],
});

export class Prehook extends PrehookSchema.class {}
PrehookSchema.setClass(Prehook);
