import { isDeepStrictEqual } from 'node:util';
import type { MergedUser } from '../users/user-merge.repository.js';
import type { PoolJobProgress } from './pool-job.entity.js';

/** How many users of each outcome a report lists: enough to check a dry run by eye, bounded for a million users. */
export const SAMPLE_SIZE = 20;

export interface SampleUser {
  externalId: string;
  email: string;
}

export interface UpdateSample extends SampleUser {
  /** Attribute by attribute: what the user has, and what the source says. */
  changes: Record<string, { from: unknown; to: unknown }>;
}

/** The job's `report`: samples of what was (or, in a dry run, would be) created, updated, disabled, deleted, and the conflicts. */
export interface JobReport {
  created: SampleUser[];
  updated: UpdateSample[];
  disabled: SampleUser[];
  deleted: SampleUser[];
  conflicts: (SampleUser & { reason: string })[];
  failed: (Partial<SampleUser> & { reason: string })[];
  /** Users taken with something left out, and what. */
  warnings: (SampleUser & { reason: string })[];
  /** Source role names that match no local role (not created). */
  unknownRoles: string[];
}

export const emptyReport = (): JobReport => ({
  created: [],
  updated: [],
  disabled: [],
  deleted: [],
  conflicts: [],
  failed: [],
  warnings: [],
  unknownRoles: [],
});

export function asReport(stored: Record<string, unknown>): JobReport {
  return { ...emptyReport(), ...(stored as Partial<JobReport>) };
}

const push = <T>(list: T[], item: T) => {
  if (list.length < SAMPLE_SIZE) list.push(item);
};

/** The source's view of a user, as the merge compared it (role ids, sorted). */
export interface SourceView {
  email: string;
  profile: Record<string, unknown>;
  status: string;
  roleIds: string[] | null;
}

/** What differs between the stored user and the source's, attribute by attribute (profile keys one by one). */
export function diff(before: NonNullable<MergedUser['before']>, after: SourceView): UpdateSample['changes'] {
  const changes: UpdateSample['changes'] = {};
  if (before.email !== after.email) changes.email = { from: before.email, to: after.email };
  if (before.status !== after.status) changes.status = { from: before.status, to: after.status };
  for (const key of new Set([...Object.keys(before.profile), ...Object.keys(after.profile)])) {
    if (!isDeepStrictEqual(before.profile[key], after.profile[key]))
      changes[`profile.${key}`] = { from: before.profile[key] ?? null, to: after.profile[key] ?? null };
  }
  const roles = after.roleIds ? [...new Set(after.roleIds)].sort() : null;
  if (roles && !isDeepStrictEqual(before.roleIds, roles)) changes.roles = { from: before.roleIds, to: roles };
  return changes;
}

/** Counts a merged batch into the progress and the report's samples. */
export function countBatch(progress: PoolJobProgress, report: JobReport, merged: readonly MergedUser[], sources: ReadonlyMap<string, SourceView>): void {
  for (const user of merged) {
    const sample = { externalId: user.externalId, email: user.email };
    if (user.outcome === 'created') {
      progress.created++;
      push(report.created, sample);
    } else if (user.outcome === 'updated') {
      progress.updated++;
      const source = sources.get(user.externalId);
      push(report.updated, { ...sample, changes: source && user.before ? diff(user.before, source) : {} });
    } else if (user.outcome === 'unchanged') {
      progress.unchanged++;
    } else {
      progress.conflicts++;
      push(report.conflicts, { ...sample, reason: 'another user (local, migrated or of another pool) has this email' });
    }
  }
}

export function countGone(progress: PoolJobProgress, report: JobReport, action: 'DISABLE' | 'DELETE', users: readonly SampleUser[]): void {
  if (action === 'DISABLE') progress.disabled += users.length;
  else progress.deleted += users.length;
  for (const user of users) push(action === 'DISABLE' ? report.disabled : report.deleted, user);
}

export function noteUnknownRoles(report: JobReport, names: readonly string[]): void {
  for (const name of names) if (!report.unknownRoles.includes(name) && report.unknownRoles.length < SAMPLE_SIZE) report.unknownRoles.push(name);
}

export function noteFailed(progress: PoolJobProgress, report: JobReport, user: Partial<SampleUser>, reason: string): void {
  progress.failed++;
  push(report.failed, { ...user, reason });
}

export function noteWarning(progress: PoolJobProgress, report: JobReport, user: SampleUser, reason: string): void {
  progress.warnings++;
  push(report.warnings, { ...user, reason });
}
