import { channel } from 'node:diagnostics_channel';
import { isSourceError, type ExternalConnection, type Identity, type UserPage } from '@tributary/plugin-kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool, PoolClient } from 'pg';
import { inTransaction, nativePool } from '../db/transaction.js';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import { identifyHash } from '../passwords/formats.js';
import type { UserPool } from '../pools/pool.entity.js';
import type { PoolConnector } from '../pools/pool-connector.js';
import { findPool, recordPoolHealth } from '../pools/pool.repository.js';
import { RoleService } from '../roles/role.service.js';
import { plannedTenant, profileOf } from '../sign-in/provisioning.js';
import { applySourceDeletions, IDENTIFIER_MAX_LENGTH, mergeUsers, PASSWORD_HASH_MAX_LENGTH, type IncomingUser } from '../users/user-merge.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { asReport, countBatch, countGone, noteFailed, noteUnknownRoles, noteWarning, type JobReport, type SampleUser, type SourceView } from './job-report.js';
import type { PoolJobProgress } from './pool-job.entity.js';
import { checkpointPoolJob, claimPoolJob, clearSeen, markSeen, settlePoolJob, touchPoolJob, type PoolJobView } from './pool-job.repository.js';

/** A page the source throttled is asked again after the wait it gives, this many times at most. */
const MAX_THROTTLE_WAITS = 8;
/** The longest single wait for a throttled page (a source asking for more is asked again later, by a retry of the job). */
const MAX_THROTTLE_WAIT_MS = 60_000;

export interface RunnerDeps {
  em: () => EntityManager;
  connector: PoolConnector;
  logger: Logger;
  /** True once the node is stopping: the job stops between pages and another node (or this one, restarted) resumes it. */
  stopping: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

/** Items processed per committed batch, by result, for whoever listens (server/metrics.ts counts them). */
const jobProgress = channel('tributary:job-progress');

function publishBatch(kind: string, before: PoolJobProgress, after: PoolJobProgress): void {
  if (!jobProgress.hasSubscribers) return;
  const delta = (key: keyof PoolJobProgress) => after[key] - before[key];
  const results = { ok: delta('created') + delta('updated') + delta('unchanged'), skipped: delta('conflicts'), failed: delta('failed') };
  for (const [result, items] of Object.entries(results)) if (items > 0) jobProgress.publish({ kind, result, items });
}

/** The job no longer belongs to this worker (cancelled, or claimed again after this node was presumed dead). */
class Fenced extends Error {}
/** The node is stopping: the job goes back to the queue where its checkpoint is. */
export class Interrupted extends Error {}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An error as an admin may read it: a source's message (written for admins, never secrets), else a summary. */
export const publicError = (error: unknown): string =>
  isSourceError(error) ? `${error.code}: ${error.message}` : 'the job failed unexpectedly; the server log has the details';

/**
 * Runs (or resumes) an import or sync. Pages through the source's listUsers from the checkpointed
 * cursor; each batch of pages is merged in one transaction with the checkpoint (cursor, counters, report),
 * so a crash loses at most the batch in flight, which the next attempt reads again. A dry run merges too,
 * then rolls the merge back to a savepoint: the counts and samples come from the same statement.
 * `lastAttempt`: a failure now is final (FAILED) instead of a retry.
 */
export async function runPoolJob(deps: RunnerDeps, jobId: string, lastAttempt: boolean): Promise<void> {
  const db = await nativePool(deps.em());
  const job = await claimPoolJob(db, jobId);
  if (!job) return;
  const pool = await findPool(deps.em(), job.poolId);
  try {
    if (!pool) throw new Error('the pool was deleted');
    const progress = await run(deps, db, job, pool);
    if (!job.dryRun) {
      // Rows the source gave that could not be used say the source is only partly healthy.
      const degraded = progress.failed > 0;
      await recordPoolHealth(
        db,
        pool.id,
        degraded ? 'DEGRADED' : 'UP',
        `${job.kind.toLowerCase()} succeeded${degraded ? `; ${progress.failed} source user(s) unusable` : ''}`,
      );
    }
  } catch (error) {
    if (error instanceof Fenced) return;
    if (error instanceof Interrupted) {
      await settlePoolJob(db, job.id, job.attempt, 'QUEUED', null);
      throw error;
    }
    const message = publicError(error);
    deps.logger.warn({ err: error, job: job.id, pool: job.poolId }, 'pool job failed');
    if (pool && isSourceError(error) && error.unavailable) await recordPoolHealth(db, pool.id, 'DOWN', message);
    await settlePoolJob(db, job.id, job.attempt, lastAttempt ? 'FAILED' : 'QUEUED', message);
    if (!lastAttempt) throw error;
  }
}

async function run(deps: RunnerDeps, db: Pool, job: PoolJobView, pool: UserPool): Promise<PoolJobProgress> {
  if (job.kind === 'FILE_IMPORT') throw new Error('file imports are run by the CLI');
  const connection = (await deps.connector.connect(pool)) as ExternalConnection;
  if (pool.type !== 'EXTERNAL' || typeof connection.listUsers !== 'function') throw new Error(`source "${pool.source}" cannot list its users`);
  const progress: PoolJobProgress = { ...job.progress };
  const report = asReport(job.report);
  let pagesDone = job.pagesDone;
  const sync = job.kind === 'SYNC';

  const pages = new PageReader(deps, connection, job.cursor, () => touchPoolJob(db, job.id, job.attempt));
  while (!pagesDone) {
    if (deps.stopping()) throw new Interrupted();
    const batch = await pages.batch();
    const next = { progress: { ...progress }, report: structuredClone(report) };
    const rows = await toRows(deps.em(), pool, batch.users, next.progress, next.report);
    await inTransaction(db, async (client) => {
      const merged = await dryRunnable(client, job.dryRun, () => mergeUsers(client, pool.id, rows.rows));
      if (sync)
        await markSeen(
          client,
          job.id,
          batch.users.map((user) => user.externalId),
        );
      next.progress.seen += batch.users.length;
      countBatch(next.progress, next.report, merged, rows.views);
      await checkpoint(client, job, { cursor: batch.cursor, pagesDone: !batch.cursor, progress: next.progress, report: next.report as never });
    });
    if (!job.dryRun) publishBatch(job.kind, progress, next.progress);
    Object.assign(progress, next.progress);
    Object.assign(report, next.report);
    pagesDone = !batch.cursor;
  }

  // The end, in one transaction: users the sync did not see follow the pool's setting, and the job succeeds.
  const onDeletion = pool.settings.sync?.onSourceDeletion ?? 'DISABLE';
  await inTransaction(db, async (client) => {
    if (sync && onDeletion !== 'KEEP') {
      const gone = await dryRunnable(client, job.dryRun, () => applySourceDeletions(client, pool.id, job.id, onDeletion));
      countGone(progress, report, onDeletion, gone);
    }
    if (sync) await clearSeen(client, job.id);
    await checkpoint(client, job, { cursor: null, pagesDone: true, progress, report: report as never });
    if (!(await settlePoolJob(client, job.id, job.attempt, 'SUCCEEDED', null))) throw new Fenced();
  });
  return progress;
}

async function checkpoint(client: PoolClient, job: PoolJobView, state: Parameters<typeof checkpointPoolJob>[3]): Promise<void> {
  if (!(await checkpointPoolJob(client, job.id, job.attempt, state))) throw new Fenced();
}

/** In a dry run the work is rolled back to a savepoint right after it answered: its answer is the report. */
async function dryRunnable<T>(client: PoolClient, dryRun: boolean, work: () => Promise<T>): Promise<T> {
  if (!dryRun) return work();
  await client.query('savepoint dry_run');
  try {
    return await work();
  } finally {
    await client.query('rollback to savepoint dry_run');
  }
}

/** Source pages merged together, up to this many users: one transaction, one statement and one checkpoint per batch, not per page. */
const BATCH_USERS = 10_000;
/** A batch is committed after this long even when smaller, so that progress stays live with a slow source. */
const BATCH_MS = 2_000;
/** Between the pages of a batch, whether the job is still this worker's is asked at most this often: a cancel stops reading within it. */
const OWNERSHIP_CHECK_MS = 250;

/**
 * The source's pages in order, the next one asked for while the batch before it is merged: the source's
 * latency and PostgreSQL's work overlap instead of adding up. At most one page is read ahead.
 */
class PageReader {
  #ahead: Promise<UserPage> | null;
  #checked = performance.now();

  constructor(
    private readonly deps: RunnerDeps,
    private readonly connection: ExternalConnection,
    cursor: string | null,
    /** False once the job was cancelled or claimed by another worker. */
    private readonly stillOurs: () => Promise<boolean>,
  ) {
    this.#ahead = this.#read(cursor);
  }

  #read(cursor: string | null): Promise<UserPage> {
    const page = listPage(this.deps, this.connection, cursor);
    page.catch(() => undefined); // a failure is thrown where the page is awaited, not as an unhandled rejection
    return page;
  }

  /** The pages up to a batch's worth; `cursor` resumes after them, null after the last page. */
  async batch(): Promise<{ users: Identity[]; cursor: string | null }> {
    const started = performance.now();
    const users: Identity[] = [];
    for (;;) {
      const page = await this.#ahead!;
      const cursor = page.cursor ?? null;
      for (const user of page.users) users.push(user);
      // Before asking for another page: a slow source's pages are not read on for a cancelled job.
      if (cursor && performance.now() - this.#checked >= OWNERSHIP_CHECK_MS) {
        if (!(await this.stillOurs())) throw new Fenced();
        this.#checked = performance.now();
      }
      this.#ahead = cursor ? this.#read(cursor) : null;
      if (!cursor || users.length >= BATCH_USERS || performance.now() - started >= BATCH_MS || this.deps.stopping()) return { users, cursor };
    }
  }
}

/** One page, waiting out the source's throttling (the wait it asks for, bounded) instead of failing on the first 429. */
async function listPage(deps: RunnerDeps, connection: ExternalConnection, cursor: string | null): Promise<UserPage> {
  const sleep = deps.sleep ?? defaultSleep;
  for (let waits = 0; ; waits++) {
    try {
      return await connection.listUsers!(cursor);
    } catch (error) {
      if (!isSourceError(error) || error.code !== 'RATE_LIMITED' || waits >= MAX_THROTTLE_WAITS || deps.stopping()) throw error;
      await sleep(Math.min(error.retryAfterMs ?? 1000 * 2 ** waits, MAX_THROTTLE_WAIT_MS));
    }
  }
}

/**
 * The page's identities as rows to merge, with what sign-in would give a new user: the profile the
 * source owns, the tenant by the pool's mode (new users only), local roles by key, the password hash
 * when the source exports one (the user becomes local). Identities without a usable email are counted as failed.
 */
async function toRows(
  em: EntityManager,
  pool: UserPool,
  identities: readonly Identity[],
  progress: PoolJobProgress,
  report: JobReport,
): Promise<{ rows: IncomingUser[]; views: Map<string, SourceView> }> {
  const names = [...new Set(identities.flatMap((identity) => identity.roles ?? []))];
  const { roles, unknown } = await new RoleService(em).byKeys(names);
  noteUnknownRoles(report, unknown);
  const roleIds = new Map(roles.map((role) => [role.key, role.id]));
  const byExternalId = new Map<string, IncomingUser>();
  const views = new Map<string, SourceView>();
  for (const identity of identities) {
    const email = typeof identity.email === 'string' ? normaliseEmail(identity.email) : '';
    if (typeof identity.externalId !== 'string' || !identity.externalId || !email.includes('@')) {
      noteFailed(progress, report, { externalId: String(identity.externalId ?? ''), email }, 'the source gave no usable email or id');
      continue;
    }
    if (email.length > IDENTIFIER_MAX_LENGTH || identity.externalId.length > IDENTIFIER_MAX_LENGTH) {
      const sample = { externalId: identity.externalId.slice(0, 64), email: email.slice(0, 64) };
      noteFailed(progress, report, sample, `the source gave an email or id longer than ${IDENTIFIER_MAX_LENGTH} characters`);
      continue;
    }
    const planned = plannedTenant(pool, identity);
    const auto = pool.settings.tenantResolution.mode === 'AUTO_CREATE';
    const row: IncomingUser = {
      ord: 0,
      externalId: identity.externalId,
      email,
      profile: profileOf(identity),
      metadata: {},
      passwordHash: knownHash(identity, { externalId: identity.externalId, email }, progress, report),
      status: identity.disabled ? 'DISABLED' : 'ACTIVE',
      tenantId: auto ? newId() : planned,
      tenantName: auto ? `${email}'s tenant` : pool.settings.tenantResolution.mode === 'FROM_ATTRIBUTE' && planned ? planned : null,
      roleIds: identity.roles ? identity.roles.flatMap((name) => roleIds.get(name) ?? []) : null,
    };
    byExternalId.set(row.externalId, row);
    views.set(row.externalId, { email: row.email, profile: row.profile, status: row.status, roleIds: row.roleIds });
  }
  return { rows: [...byExternalId.values()].map((row, index) => ({ ...row, ord: index + 1 })), views };
}

/**
 * The identity's password hash when the verifier knows its format, its parameters are within bounds
 * (checked without hashing) and it fits the column; anything else is left out with a warning, and the
 * user stays the source's.
 * Neither the warning nor a log line carries the hash.
 */
function knownHash(identity: Identity, user: SampleUser, progress: PoolJobProgress, report: JobReport): string | null {
  const hash: unknown = identity.passwordHash;
  if (hash === undefined || hash === null) return null;
  if (typeof hash === 'string' && hash.length <= PASSWORD_HASH_MAX_LENGTH && identifyHash(hash)) return hash;
  noteWarning(
    progress,
    report,
    user,
    'a password hash in a format Tributary does not know (or out of bounds, or too long): left out, the user signs in through the source',
  );
  return null;
}
