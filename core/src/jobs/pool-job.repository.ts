/*
 * The pool_jobs and pool_job_seen tables: every statement on them. Jobs run on a `pg` client (one
 * transaction per batch, with the users merge); admin reads take the same functions on the pool.
 */
import { jsonColumn } from '../db/sql.js';
import type { Queryable } from '../users/user.repository.js';
import type { PoolJobKind, PoolJobProgress, PoolJobStatus } from './pool-job.entity.js';

export interface PoolJobView {
  id: string;
  poolId: string;
  kind: PoolJobKind;
  status: PoolJobStatus;
  dryRun: boolean;
  progress: PoolJobProgress;
  report: Record<string, unknown>;
  error: string | null;
  cursor: string | null;
  pagesDone: boolean;
  attempt: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface PoolJobFilter {
  poolId?: string | null;
  kind?: PoolJobKind | null;
  status?: PoolJobStatus | null;
}

export const EMPTY_PROGRESS: PoolJobProgress = { seen: 0, created: 0, updated: 0, unchanged: 0, disabled: 0, deleted: 0, conflicts: 0, failed: 0, warnings: 0 };

const COLUMNS = `id, pool_id, kind, status, dry_run, progress, report, error, cursor, pages_done, attempt, created_at, started_at, finished_at`;

// MikroORM's pool hands timestamps over as text and may hand jsonb over as text too.
const date = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));

function toView(row: Record<string, any>): PoolJobView {
  return {
    id: row.id,
    poolId: row.pool_id,
    kind: row.kind,
    status: row.status,
    dryRun: row.dry_run,
    progress: { ...EMPTY_PROGRESS, ...jsonColumn<PoolJobProgress>(row.progress) },
    report: jsonColumn<Record<string, unknown>>(row.report) ?? {},
    error: row.error,
    cursor: row.cursor,
    pagesDone: row.pages_done,
    attempt: row.attempt,
    createdAt: date(row.created_at)!,
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
  };
}

/** A queued job, or null when the pool already has one queued or running (the partial unique index says so). */
export async function insertPoolJob(db: Queryable, job: { id: string; poolId: string; kind: PoolJobKind; dryRun: boolean }): Promise<PoolJobView | null> {
  const { rows } = await db.query(
    `insert into pool_jobs (id, pool_id, kind, status, dry_run, progress, report, created_at, updated_at)
     values ($1, $2, $3, 'QUEUED', $4, $5, '{}', now(), now())
     on conflict (pool_id) where status in ('QUEUED', 'RUNNING') do nothing
     returning ${COLUMNS}`,
    [job.id, job.poolId, job.kind, job.dryRun, JSON.stringify(EMPTY_PROGRESS)],
  );
  return rows[0] ? toView(rows[0]) : null;
}

export async function findPoolJob(db: Queryable, id: string): Promise<PoolJobView | null> {
  const { rows } = await db.query(`select ${COLUMNS} from pool_jobs where id = $1`, [id]);
  return rows[0] ? toView(rows[0]) : null;
}

/** The pool's queued or running job, if any. */
export async function activePoolJob(db: Queryable, poolId: string): Promise<PoolJobView | null> {
  const { rows } = await db.query(`select ${COLUMNS} from pool_jobs where pool_id = $1 and status in ('QUEUED', 'RUNNING')`, [poolId]);
  return rows[0] ? toView(rows[0]) : null;
}

function where(filter: PoolJobFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of [
    ['pool_id', filter.poolId],
    ['kind', filter.kind],
    ['status', filter.status],
  ] as const) {
    if (!value) continue;
    params.push(value);
    clauses.push(`${column} = $${params.length}`);
  }
  return { sql: clauses.length ? clauses.join(' and ') : 'true', params };
}

/** Newest first (ids are time-ordered), keyset after the cursor's job. */
export async function poolJobsPage(db: Queryable, filter: PoolJobFilter, first: number, afterId: string | null): Promise<PoolJobView[]> {
  const { sql, params } = where(filter);
  if (afterId) params.push(afterId);
  const after = afterId ? ` and id < $${params.length}` : '';
  params.push(first + 1);
  const { rows } = await db.query(`select ${COLUMNS} from pool_jobs where ${sql}${after} order by id desc limit $${params.length}`, params);
  return rows.map(toView);
}

export async function countPoolJobs(db: Queryable, filter: PoolJobFilter): Promise<number> {
  const { sql, params } = where(filter);
  const { rows } = await db.query(`select count(*)::int as n from pool_jobs where ${sql}`, params);
  return rows[0].n;
}

/**
 * Takes the job for one worker: RUNNING, with a new attempt number that fences any earlier worker
 * (a node that died, or pg-boss delivering twice). Null when the job is over or cancelled.
 */
export async function claimPoolJob(db: Queryable, id: string): Promise<PoolJobView | null> {
  const { rows } = await db.query(
    `update pool_jobs set status = 'RUNNING', attempt = attempt + 1, started_at = coalesce(started_at, now()), error = null, updated_at = now()
     where id = $1 and status in ('QUEUED', 'RUNNING') returning ${COLUMNS}`,
    [id],
  );
  return rows[0] ? toView(rows[0]) : null;
}

export interface Checkpoint {
  cursor: string | null;
  pagesDone: boolean;
  progress: PoolJobProgress;
  report: Record<string, unknown>;
}

/** Commits with the batch it follows; false when this worker no longer owns the job (cancelled, or claimed again). */
export async function checkpointPoolJob(db: Queryable, id: string, attempt: number, checkpoint: Checkpoint): Promise<boolean> {
  const { rowCount } = await db.query(
    `update pool_jobs set cursor = $3, pages_done = $4, progress = $5, report = $6, updated_at = now()
     where id = $1 and attempt = $2 and status = 'RUNNING'`,
    [id, attempt, checkpoint.cursor, checkpoint.pagesDone, JSON.stringify(checkpoint.progress), JSON.stringify(checkpoint.report)],
  );
  return rowCount === 1;
}

/** Ends a job this worker owns: SUCCEEDED or FAILED, or back to QUEUED with the error while pg-boss retries it. */
export async function settlePoolJob(db: Queryable, id: string, attempt: number, status: PoolJobStatus, error: string | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `update pool_jobs set status = $3, error = $4, finished_at = case when $3 in ('QUEUED', 'RUNNING') then null else now() end, updated_at = now()
     where id = $1 and attempt = $2 and status = 'RUNNING'`,
    [id, attempt, status, error],
  );
  return rowCount === 1;
}

/** Cancels a queued or running job; a running worker sees it at its next checkpoint and stops there. */
export async function cancelPoolJob(db: Queryable, id: string): Promise<PoolJobView | null> {
  const { rows } = await db.query(
    `update pool_jobs set status = 'CANCELLED', finished_at = now(), updated_at = now() where id = $1 and status in ('QUEUED', 'RUNNING') returning ${COLUMNS}`,
    [id],
  );
  return rows[0] ? toView(rows[0]) : null;
}

/** Queued jobs older than a minute: their delivery may have been lost between our insert and pg-boss's (re-sent by id). */
export async function staleQueuedJobs(db: Queryable): Promise<{ id: string; poolId: string }[]> {
  const { rows } = await db.query(
    `select id, pool_id from pool_jobs where status = 'QUEUED' and kind <> 'FILE_IMPORT' and updated_at < now() - interval '1 minute' limit 100`,
  );
  return rows.map((row: any) => ({ id: row.id, poolId: row.pool_id }));
}

/**
 * Jobs pg-boss gave up on (retries exhausted, e.g. by node deaths that each left the row RUNNING) that
 * nothing settled, and the orphans (failOrphanedJobs): FAILED now, so the pool takes jobs again. pg-boss's
 * job has the pool job's id.
 */
export async function failAbandonedJobs(db: Queryable, bossSchema: string, queue: string): Promise<string[]> {
  return [...(await failGivenUpJobs(db, bossSchema, queue)), ...(await failOrphanedJobs(db, bossSchema, queue))];
}

async function failGivenUpJobs(db: Queryable, bossSchema: string, queue: string): Promise<string[]> {
  const { rows } = await db.query(
    `update pool_jobs j set status = 'FAILED', finished_at = now(), updated_at = now(),
       error = coalesce(j.error || '; ', '') || 'gave up after its last attempt (the node running it stopped, or it ran out of retries)'
     from ${bossSchema}.job b
     where b.name = $1 and b.id = j.id and b.state = 'failed' and j.status in ('QUEUED', 'RUNNING')
     returning j.id`,
    [queue],
  );
  return rows.map((row: any) => row.id);
}

/** A file import heartbeats at least this often while its command runs (the row's updated_at). */
export const FILE_IMPORT_HEARTBEAT_MS = 15_000;

/**
 * RUNNING jobs that nothing runs any more, FAILED so the pool takes jobs again: an import or sync with no
 * live pg-boss job (none created, retrying or active: pg-boss deletes finished jobs after its retention,
 * so a row left RUNNING by a node that died past that point, or by a settle that never committed, is
 * never delivered again), and a file import whose command stopped heartbeating (killed, its machine
 * gone). Ten minutes without a checkpoint first: longer than a throttled page's waits, so a worker that
 * is merely slow is never taken for dead. `bossSchema` null: only the file imports (a command with no server).
 */
export async function failOrphanedJobs(db: Queryable, bossSchema: string | null, queue: string, poolId: string | null = null): Promise<string[]> {
  const lostDelivery = bossSchema
    ? `(j.kind <> 'FILE_IMPORT' and j.updated_at < now() - interval '10 minutes'
        and not exists (select 1 from ${bossSchema}.job b where b.name = $1 and b.id = j.id and b.state in ('created', 'retry', 'active')))`
    : '($1::text is null)';
  const { rows } = await db.query(
    `update pool_jobs j set status = 'FAILED', finished_at = now(), updated_at = now(),
       error = coalesce(j.error || '; ', '') || case when j.kind = 'FILE_IMPORT'
         then 'the import command running it stopped (no heartbeat for 2 minutes); run it again: what it committed stays, and the rest is imported'
         else 'no node runs it any more (its queue entry is gone); start it again: it imports what is missing' end
     where j.status = 'RUNNING' and ($2::uuid is null or j.pool_id = $2)
       and ((j.kind = 'FILE_IMPORT' and j.updated_at < now() - make_interval(secs => $3)) or ${lostDelivery})
     returning j.id`,
    [queue, poolId, (8 * FILE_IMPORT_HEARTBEAT_MS) / 1000],
  );
  return rows.map((row: any) => row.id);
}

/** A running job's sign of life between checkpoints (which heartbeat too); false once it is no longer this worker's (cancelled, or claimed again). */
export async function touchPoolJob(db: Queryable, id: string, attempt: number): Promise<boolean> {
  const { rowCount } = await db.query(`update pool_jobs set updated_at = now() where id = $1 and attempt = $2 and status = 'RUNNING'`, [id, attempt]);
  return rowCount === 1;
}

/** Pools whose sync is due: an interval set, no job active, and no sync started within the interval. */
export async function poolsDueForSync(db: Queryable): Promise<string[]> {
  const { rows } = await db.query(
    `select p.id from user_pools p
     where p.enabled and p.type = 'EXTERNAL' and coalesce((p.settings->'sync'->>'intervalMinutes')::int, 0) > 0
       and not exists (select 1 from pool_jobs j where j.pool_id = p.id and j.status in ('QUEUED', 'RUNNING'))
       and not exists (select 1 from pool_jobs j where j.pool_id = p.id and j.kind = 'SYNC' and not j.dry_run
                       and j.created_at > now() - make_interval(mins => (p.settings->'sync'->>'intervalMinutes')::int))`,
  );
  return rows.map((row: any) => row.id);
}

/** Remembers the external ids a sync saw, so what is missing at the end is what the source no longer has. */
export async function markSeen(db: Queryable, jobId: string, externalIds: readonly string[]): Promise<void> {
  if (externalIds.length === 0) return;
  await db.query(`insert into pool_job_seen (job_id, external_id) select $1, unnest($2::text[]) on conflict do nothing`, [jobId, externalIds]);
}

export async function clearSeen(db: Queryable, jobId: string): Promise<void> {
  await db.query('delete from pool_job_seen where job_id = $1', [jobId]);
}

/** The last successful (not dry-run) import and sync of each pool, for the pool stats. */
export async function lastJobTimes(db: Queryable, poolIds: readonly string[]): Promise<Map<string, { lastImportAt: Date | null; lastSyncAt: Date | null }>> {
  const { rows } = await db.query(
    `select pool_id, max(finished_at) filter (where kind in ('IMPORT', 'FILE_IMPORT')) as last_import, max(finished_at) filter (where kind = 'SYNC') as last_sync
     from pool_jobs where pool_id = any($1::uuid[]) and status = 'SUCCEEDED' and not dry_run group by pool_id`,
    [poolIds],
  );
  return new Map(rows.map((row: any) => [row.pool_id, { lastImportAt: date(row.last_import), lastSyncAt: date(row.last_sync) }]));
}
