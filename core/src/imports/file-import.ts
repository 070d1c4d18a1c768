import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { newId } from '../ids.js';
import { verifyPassword } from '../passwords/verifier.js';
import type { UserPool } from '../pools/pool.entity.js';
import { findPool } from '../pools/pool.repository.js';
import { importUsers, type ImportedUserRow, type ImportOutcome } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { readAuth0File } from './auth0-file.js';
import { readCsvFile } from './csv-file.js';
import { detectFormats, type Detection } from './detect.js';
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
  detection: Detection;
  counts: Record<ImportOutcome, number>;
  /** The first records refused at the write (an email held by another user), by number. */
  conflicts: { at: number; email: string }[];
}

/** Why an import stopped before writing anything; the message is for the admin running it. */
export class ImportRefused extends Error {}

const READERS = { auth0: readAuth0File, firebase: readFirebaseFile, csv: readCsvFile } as const;

export const IMPORT_BATCH_SIZE = 5000;

/**
 * Two passes over the file, each streamed: detection (every hash's format, every refused record, the
 * `--verify` credential checked), then the write in batches of one statement each. A file with any
 * refused record writes nothing. The write is idempotent: run again (after a crash, or to take a fixed
 * file), it creates only who is missing and leaves the rest unchanged. A dry run runs each batch's
 * statement and rolls it back, so its counts are the real statement's.
 */
export async function importFile(em: EntityManager, options: FileImportOptions, progress: Progress): Promise<FileImportResult> {
  const pool = await findPool(em, options.poolId);
  if (!pool) throw new ImportRefused(`no pool has the id ${options.poolId}`);
  const tenantField = typeof pool.config.tenantIdFieldName === 'string' ? pool.config.tenantIdFieldName : undefined;
  const read = () => READERS[options.format](options.file, { tenantField, firebase: options.firebase });

  progress.start('checking hash formats', null);
  const verifyEmail = options.verify ? normaliseEmail(options.verify.email) : undefined;
  const detection = await detectFormats(read(), verifyEmail, (count) => progress.update(count));
  progress.finish(detection.records);
  if (detection.refused > 0) {
    const listed = detection.firstRefused.map(({ at, reason }) => `  ${options.format === 'csv' ? 'line' : 'record'} ${at}: ${reason}`).join('\n');
    throw new ImportRefused(`${detection.refused} of ${detection.records} records cannot be imported; nothing was written:\n${listed}`);
  }
  if (options.verify) await checkKnownCredential(detection, options.verify);

  const db = (await em.getConnection().getNativeClient()) as Pool;
  const counts: Record<ImportOutcome, number> = { created: 0, updated: 0, unchanged: 0, conflict: 0 };
  const conflicts: FileImportResult['conflicts'] = [];
  progress.start(options.dryRun ? 'importing (dry run)' : 'importing', detection.records);
  let batch: ImportRecord[] = [];
  let done = 0;
  const flush = async () => {
    const outcomes = await writeBatch(db, pool, batch, options.dryRun);
    outcomes.forEach((outcome, i) => {
      counts[outcome]++;
      if (outcome === 'conflict' && conflicts.length < 20) conflicts.push({ at: batch[i]!.at, email: batch[i]!.email });
    });
    done += batch.length;
    progress.update(done);
    batch = [];
  };
  for await (const record of read()) {
    batch.push(record);
    if (batch.length >= (options.batchSize ?? IMPORT_BATCH_SIZE)) await flush();
  }
  if (batch.length) await flush();
  progress.finish(done);
  return { detection, counts, conflicts };
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

async function writeBatch(db: Pool, pool: UserPool, records: readonly ImportRecord[], dryRun: boolean): Promise<ImportOutcome[]> {
  const rows = records.map((record) => toRow(pool, record));
  if (!dryRun) return importUsers(db, pool.id, rows);
  const client = await db.connect();
  try {
    await client.query('begin');
    return await importUsers(client, pool.id, rows);
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

/** A new user's tenant by the pool's mode, as a first sign-in through the pool would choose it. */
function toRow(pool: UserPool, record: ImportRecord): ImportedUserRow {
  const email = normaliseEmail(record.email);
  const { mode, tenantId } = pool.settings.tenantResolution;
  const ownTenant = mode === 'AUTO_CREATE' ? newId() : null;
  const tenant = mode === 'PREDEFINED' ? tenantId : mode === 'FROM_ATTRIBUTE' ? record.tenantId : ownTenant;
  return {
    id: newId(),
    externalId: record.externalId,
    email,
    profile: record.profile,
    metadata: record.metadata,
    status: record.disabled ? 'DISABLED' : 'ACTIVE',
    passwordHash: record.passwordHash,
    tenantId: tenant,
    tenantName: ownTenant ? `${email}'s tenant` : mode === 'FROM_ATTRIBUTE' ? tenant : null,
  };
}
