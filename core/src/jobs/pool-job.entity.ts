import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.js';
import { UserPool } from '../pools/pool.entity.js';

export const POOL_JOB_KINDS = ['IMPORT', 'SYNC', 'FILE_IMPORT'] as const;
export type PoolJobKind = (typeof POOL_JOB_KINDS)[number];
export const POOL_JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type PoolJobStatus = (typeof POOL_JOB_STATUSES)[number];
export const ACTIVE_STATUSES: readonly PoolJobStatus[] = ['QUEUED', 'RUNNING'];

export interface PoolJobProgress {
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  disabled: number;
  deleted: number;
  conflicts: number;
  failed: number;
  /** Users taken with something of theirs left out (a password hash in a format the verifier does not know). */
  warnings: number;
}

/**
 * An import or sync of one pool. pg-boss delivers and retries it; this row is its truth: status,
 * counters, the report, and the source cursor checkpointed with each committed batch (so a job that
 * dies resumes there). `attempt` fences a worker: each claim raises it, and a checkpoint only commits
 * while its attempt is the row's, so two workers never both make progress on one job.
 */
export const PoolJobSchema = defineEntity({
  name: 'PoolJob',
  tableName: 'pool_jobs',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    pool: () => p.manyToOne(UserPool).deleteRule('cascade'),
    kind: p.enum(POOL_JOB_KINDS),
    status: p.enum(POOL_JOB_STATUSES),
    dryRun: p.boolean().default(false),
    progress: p.json<PoolJobProgress>(),
    report: p.json<Record<string, unknown>>(),
    error: p.text().nullable(),
    cursor: p.text().nullable(),
    pagesDone: p.boolean().default(false),
    attempt: p.integer().default(0),
    createdAt: p.datetime(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});

export class PoolJob extends PoolJobSchema.class {}
PoolJobSchema.setClass(PoolJob);
