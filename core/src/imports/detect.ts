import { identifyHash } from '../passwords/formats.js';
import { normaliseEmail } from '../users/user.service.js';
import { IDENTIFIER_MAX_LENGTH, PASSWORD_HASH_MAX_LENGTH } from '../users/user-merge.repository.js';
import type { ImportRecord } from './import-record.js';

/** How many refused records a report lists by number (the count covers them all). */
const LISTED = 20;

export interface Detection {
  records: number;
  /** Records per stored hash format (`bcrypt`, `pbkdf2-sha256`...), `none` for users without a hash. */
  formats: Record<string, number>;
  /** Records with a legacy (fast digest) hash. */
  legacy: number;
  refused: number;
  /** The first refused records: where, and why. */
  firstRefused: { at: number; reason: string }[];
  /** The hash of the `--verify` user, if the file has them. */
  verifyHash?: string | null;
}

export const newDetection = (): Detection => ({ records: 0, formats: {}, legacy: 0, refused: 0, firstRefused: [] });

/**
 * One record of the pass over the whole file that comes before any user is written: the format of its
 * hash, or why it cannot be imported (no email, an unsupported scheme, a hash in no known format or with
 * parameters out of bounds). Only names formats; nothing is hashed. True when the record can be imported.
 */
export function detectRecord(detection: Detection, record: ImportRecord, verifyEmail?: string): boolean {
  detection.records++;
  const format = record.passwordHash === null ? null : identifyHash(record.passwordHash);
  const reason =
    record.problem ??
    (record.passwordHash !== null && !format ? 'a password hash in no supported format, or with parameters out of bounds' : undefined) ??
    (record.email.includes('@') ? undefined : 'not an email address') ??
    (record.email.length > IDENTIFIER_MAX_LENGTH || record.externalId.length > IDENTIFIER_MAX_LENGTH
      ? `an email or user id longer than ${IDENTIFIER_MAX_LENGTH} characters`
      : undefined) ??
    (record.passwordHash !== null && record.passwordHash.length > PASSWORD_HASH_MAX_LENGTH
      ? `a password hash longer than ${PASSWORD_HASH_MAX_LENGTH} characters`
      : undefined);
  if (reason) {
    detection.refused++;
    if (detection.firstRefused.length < LISTED) detection.firstRefused.push({ at: record.at, reason });
    return false;
  }
  const name = format?.name ?? 'none';
  detection.formats[name] = (detection.formats[name] ?? 0) + 1;
  if (format?.legacy) detection.legacy++;
  if (verifyEmail && normaliseEmail(record.email) === verifyEmail) detection.verifyHash = record.passwordHash;
  return true;
}
