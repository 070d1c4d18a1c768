import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.js';

export const WRITE_BACK_ACTIONS = ['CREATE', 'UPDATE', 'DISABLE', 'ENABLE', 'DELETE'] as const;
export type WriteBackAction = (typeof WRITE_BACK_ACTIONS)[number];

/**
 * One admin change to a user of a pool that writes back, persisted in the flush of the change itself
 * (so neither exists without the other) and delivered to the source in `seq` order per user. Its id is
 * the idempotency key of the source call: a repeated delivery is the same change.
 */
export const WriteBackItemSchema = defineEntity({
  name: 'WriteBackItem',
  tableName: 'write_back_outbox',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    poolId: p.uuid(),
    userId: p.uuid(),
    externalId: p.string().nullable(),
    action: p.enum(WRITE_BACK_ACTIONS),
    payload: p.json<Record<string, unknown>>(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    deliveredAt: p.datetime().nullable(),
    /** The source refused it (not an outage): not retried by itself, and the user's later changes wait behind it. */
    rejectedAt: p.datetime().nullable(),
  },
});

export class WriteBackItem extends WriteBackItemSchema.class {}
WriteBackItemSchema.setClass(WriteBackItem);
