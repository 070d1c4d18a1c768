import { basename } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool, PoolClient } from 'pg';
import { nativePool } from '../db/transaction.js';
import { newId } from '../ids.js';
import { QUEUES } from '../jobs/job-queue.js';
import { countBatch, emptyReport, type JobReport } from '../jobs/job-report.js';
import type { PoolJobProgress } from '../jobs/pool-job.entity.js';
import {
  activePoolJob,
  checkpointPoolJob,
  claimPoolJob,
  EMPTY_PROGRESS,
  failOrphanedJobs,
  FILE_IMPORT_HEARTBEAT_MS,
  insertPoolJob,
  settlePoolJob,
  touchPoolJob,
  type PoolJobView,
} from '../jobs/pool-job.repository.js';
import { verifyPassword } from '../passwords/verifier.js';
import type { UserPool } from '../pools/pool.entity.js';
import { findPool } from '../pools/pool.repository.js';
import { analyzeStaging, clearStaging, mergeStaged, openStaging, type IncomingUser, type MergeOutcome } from '../users/user-merge.repository.js';
import type { Queryable } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { readAuth0File } from './auth0-file.js';
import { readCsvFile } from './csv-file.js';
import { detectRecord, newDetection, type Detection } from './detect.js';
import { readFirebaseFile } from './firebase-file.js';
import type { FileFormat, ImportRecord, ReadOptions } from './import-record.js';
import type { Progress } from './progress.js';

export interface FileImportOptions {
  poolId: string;
  file: string;
  format: FileFormat;
  dryRun: boolean;
  /** A known credential, checked against its hash in the file before anything is written. */
  verify?: { email: string; password: string };
  firebase?: ReadOptions['firebase'];
  batchSize?: number;
}

export interface FileImportResult {
  /** The FILE_IMPORT pool job that records it (poolJobs shows it like an import from the source). */
  job: { id: string };
  detection: Detection;
  counts: Record<MergeOutcome, number>;
  /** The first records refused at the write (an email held by another user), by number. */
  conflicts: { at: number; email: string }[];
}

/** Why an import stopped before writing anything (or, cancelled, where it stopped); the message is for the admin running it. */
export class ImportRefused extends Error {}

/** Stopped by an admin's cancelPoolJob: what was committed stays. */
class Cancelled extends ImportRefused {}

const READERS = { auth0: readAuth0File, firebase: readFirebaseFile, csv: readCsvFile } as const;

/** Rows per COPY into staging and per merge statement. */
export const IMPORT_BATCH_SIZE = 10_000;

/** What the job's report says of the file, beside the samples every pool job has. */
type FileReport = JobReport & { file: { name: string; format: FileFormat; records: number; formats: Record<string, number>; legacy: number } };

/**
 * A file import, run here (the file is this machine's) with a FILE_IMPORT pool job as its record: one
 * job per pool at a time, progress, report and status readable over GraphQL while it runs, cancellable.
 *
 * The file is read once. Each record's hash format is checked as it is read, and the records are COPYed
 * into the session's staging table; a file with any refused record (or a `--verify` that fails) stops
 * there, and no user is written. Then the staging is merged into the pool in batches, each batch one
 * statement committed with the job's progress. The merge is the source import's (user-merge.repository.ts);
 * run again (after a crash, or with a fixed file), it creates only who is missing. A dry run merges each
 * batch and rolls it back, so its counts are the real statement's. A command killed mid-way leaves its
 * job RUNNING until its heartbeat is two minutes old; the next import of the pool (or a server's minute
 * tick) marks it FAILED.
 */
export async function importFile(em: EntityManager, options: FileImportOptions, progress: Progress): Promise<FileImportResult> {
  const pool = await findPool(em, options.poolId);
  if (!pool) throw new ImportRefused(`no pool has the id ${options.poolId}`);
  const db = await nativePool(em);
  await failOrphanedJobs(db, null, QUEUES.poolJob, pool.id);
  const queued = await insertPoolJob(db, { id: newId(), poolId: pool.id, kind: 'FILE_IMPORT', dryRun: options.dryRun });
  if (!queued) {
    const active = await activePoolJob(db, pool.id);
    throw new ImportRefused(`pool "${pool.name}" already has a job queued or running${active ? ` (${active.kind} ${active.id})` : ''}; one at a time`);
  }
  const job = (await claimPoolJob(db, queued.id))!;
  const heartbeat = setInterval(() => void touchPoolJob(db, job.id, job.attempt).catch(() => undefined), FILE_IMPORT_HEARTBEAT_MS);
  const client = await db.connect();
  try {
    const result = await run(db, client, pool, job, options, progress);
    if (!(await settlePoolJob(db, job.id, job.attempt, 'SUCCEEDED', null))) throw new Cancelled('the import was cancelled at its end');
    return result;
  } catch (error) {
    const message = error instanceof ImportRefused ? error.message : `the import failed: ${(error as Error).message}`;
    await settlePoolJob(db, job.id, job.attempt, 'FAILED', message).catch(() => undefined);
    throw error;
  } finally {
    clearInterval(heartbeat);
    await clearStaging(client).catch(() => undefined);
    client.release();
  }
}

async function run(db: Pool, client: PoolClient, pool: UserPool, job: PoolJobView, options: FileImportOptions, progress: Progress): Promise<FileImportResult> {
  const batchSize = options.batchSize ?? IMPORT_BATCH_SIZE;
  const tenantField = typeof pool.config.tenantIdFieldName === 'string' ? pool.config.tenantIdFieldName : undefined;
  const counters: PoolJobProgress = { ...EMPTY_PROGRESS };
  const detection = newDetection();
  const report: FileReport = {
    ...emptyReport(),
    file: { name: basename(options.file), format: options.format, records: 0, formats: detection.formats, legacy: 0 },
  };
  const checkpoint = async (on: Queryable, cursor: string | null) => {
    Object.assign(report.file, { records: detection.records, legacy: detection.legacy });
    if (!(await checkpointPoolJob(on, job.id, job.attempt, { cursor, pagesDone: false, progress: counters, report: report as never }))) {
      throw new Cancelled(`pool job ${job.id} was cancelled; what it committed stays`);
    }
  };

  // Pass 1: read, check, stage. One COPY for the whole file: PostgreSQL takes rows in while the next ones are read.
  progress.start('reading the file and checking hash formats', null);
  await clearStaging(client);
  const verifyEmail = options.verify ? normaliseEmail(options.verify.email) : undefined;
  const staging = await openStaging(client);
  try {
    let batch: IncomingUser[] = [];
    for await (const record of READERS[options.format](options.file, { tenantField, firebase: options.firebase })) {
      if (detectRecord(detection, record, verifyEmail) && detection.refused === 0) batch.push(toRow(pool, record));
      if (detection.records % batchSize === 0) {
        await staging.write(batch);
        batch = [];
        counters.seen = detection.records;
        counters.failed = detection.refused;
        await checkpoint(db, null);
        progress.update(detection.records);
      }
    }
    await staging.write(batch);
  } finally {
    await staging.end();
  }
  counters.seen = detection.records;
  counters.failed = detection.refused;
  await checkpoint(db, null);
  progress.finish(detection.records);
  if (detection.refused > 0) {
    const listed = detection.firstRefused.map(({ at, reason }) => `  ${options.format === 'csv' ? 'line' : 'record'} ${at}: ${reason}`).join('\n');
    throw new ImportRefused(`${detection.refused} of ${detection.records} records cannot be imported; nothing was written:\n${listed}`);
  }
  if (options.verify) await checkKnownCredential(detection, options.verify);

  // Pass 2: merge the staging in batches, each committed with the job's progress.
  await analyzeStaging(client);
  const conflicts: FileImportResult['conflicts'] = [];
  progress.start(options.dryRun ? 'importing (dry run)' : 'importing', detection.records);
  let after = 0;
  let done = 0;
  for (;;) {
    await client.query('begin');
    try {
      if (options.dryRun) await client.query('savepoint dry_run');
      const merged = await mergeStaged(client, pool.id, after, batchSize);
      if (options.dryRun) await client.query('rollback to savepoint dry_run');
      if (merged.length === 0) {
        await client.query('commit');
        break;
      }
      countBatch(counters, report, merged, new Map());
      for (const user of merged) if (user.outcome === 'conflict' && conflicts.length < 20) conflicts.push({ at: user.ord, email: user.email });
      after = merged.at(-1)!.ord;
      await checkpoint(client, String(after));
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
    done = counters.created + counters.updated + counters.unchanged + counters.conflicts;
    progress.update(done);
  }
  progress.finish(done);
  const counts = { created: counters.created, updated: counters.updated, unchanged: counters.unchanged, conflict: counters.conflicts };
  return { job: { id: job.id }, detection, counts, conflicts };
}

async function checkKnownCredential(detection: Detection, verify: { email: string; password: string }): Promise<void> {
  if (detection.verifyHash === undefined) throw new ImportRefused(`--verify: the file has no user ${verify.email}; nothing was written`);
  if (detection.verifyHash === null) throw new ImportRefused(`--verify: the file has no password hash for ${verify.email}; nothing was written`);
  const { ok } = await verifyPassword(detection.verifyHash, verify.password);
  if (!ok) {
    throw new ImportRefused(
      `--verify: the password given does not match ${verify.email}'s hash in the file (wrong password, or wrong hash parameters); nothing was written`,
    );
  }
}

/** A new user's tenant by the pool's mode, as a first sign-in through the pool would choose it. */
function toRow(pool: UserPool, record: ImportRecord): IncomingUser {
  const email = normaliseEmail(record.email);
  const { mode, tenantId } = pool.settings.tenantResolution;
  const ownTenant = mode === 'AUTO_CREATE' ? newId() : null;
  const tenant = mode === 'PREDEFINED' ? tenantId : mode === 'FROM_ATTRIBUTE' ? record.tenantId : ownTenant;
  return {
    ord: record.at,
    externalId: record.externalId,
    email,
    profile: record.profile,
    metadata: record.metadata,
    status: record.disabled ? 'DISABLED' : 'ACTIVE',
    passwordHash: record.passwordHash,
    tenantId: tenant,
    tenantName: ownTenant ? `${email}'s tenant` : mode === 'FROM_ATTRIBUTE' ? tenant : null,
    roleIds: null,
  };
}
