import type { EntityManager } from '@mikro-orm/postgresql';
import { nativePool } from '../db/transaction.js';
import { badInput, conflict, notFound } from '../errors/index.js';
import { uuid } from '../graphql/inputs.js';
import { newId } from '../ids.js';
import { findPool } from '../pools/pool.repository.js';
import { poolSignInsByDay } from '../audit/audit-event.repository.js';
import { poolMigrationsByDay, poolUserStats, type PoolUserStats } from '../users/user.repository.js';
import type { JobQueue } from './job-queue.js';
import type { PoolJobKind } from './pool-job.entity.js';
import {
  activePoolJob,
  cancelPoolJob,
  countPoolJobs,
  findPoolJob,
  insertPoolJob,
  lastJobTimes,
  poolJobsPage,
  type PoolJobFilter,
  type PoolJobView,
} from './pool-job.repository.js';

export type PoolStats = PoolUserStats & { lastImportAt: Date | null; lastSyncAt: Date | null };
/** One UTC day of a pool's activity chart. */
export interface PoolActivityDay {
  day: string;
  signIns: number;
  migrated: number;
}

/** Imports and syncs as the admin API sees them: started, read, cancelled. pg-boss runs them (job-queue.ts). */
export class PoolJobService {
  constructor(
    private readonly em: EntityManager,
    private readonly queue: JobQueue,
  ) {}

  async start(kind: Extract<PoolJobKind, 'IMPORT' | 'SYNC'>, poolId: string, dryRun: boolean): Promise<PoolJobView> {
    const pool = await findPool(this.em, poolId);
    if (!pool) throw notFound('user pool', poolId);
    if (pool.type !== 'EXTERNAL') throw badInput('input.poolId', `only EXTERNAL pools have a user list to ${kind === 'IMPORT' ? 'import' : 'sync'}`);
    const db = await nativePool(this.em);
    const job = await insertPoolJob(db, { id: newId(), poolId, kind, dryRun });
    if (!job) {
      const active = await activePoolJob(db, poolId);
      throw conflict(`pool "${pool.name}" already has a job queued or running${active ? ` (${active.id})` : ''}; one at a time`, 'input.poolId');
    }
    await this.queue.deliver(job.id, poolId);
    return job;
  }

  async get(id: string): Promise<PoolJobView> {
    const job = await findPoolJob(await nativePool(this.em), id);
    if (!job) throw notFound('pool job', id);
    return job;
  }

  async page(filter: PoolJobFilter, first: number, afterId: string | null): Promise<PoolJobView[]> {
    if (afterId !== null && !uuid.safeParse(afterId).success) throw badInput('after', 'is not a cursor this API issued');
    return poolJobsPage(await nativePool(this.em), filter, first, afterId);
  }

  async count(filter: PoolJobFilter): Promise<number> {
    return countPoolJobs(await nativePool(this.em), filter);
  }

  /** A queued job never starts; a running one stops at its next checkpoint, keeping what it committed. */
  async cancel(id: string): Promise<PoolJobView> {
    const db = await nativePool(this.em);
    const cancelled = await cancelPoolJob(db, id);
    if (!cancelled) {
      const job = await this.get(id);
      throw conflict(`pool job ${id} is already ${job.status.toLowerCase()}`, 'id');
    }
    await this.queue.cancelDelivery(id);
    return cancelled;
  }

  /** Stats of many pools: two statements whatever their number (the pool list batches them). */
  async statsOf(poolIds: readonly string[]): Promise<Map<string, PoolStats>> {
    const db = await nativePool(this.em);
    const [users, times] = await Promise.all([poolUserStats(db, poolIds), lastJobTimes(db, poolIds)]);
    return new Map(
      poolIds.map((id) => [id, { ...users.get(id)!, lastImportAt: times.get(id)?.lastImportAt ?? null, lastSyncAt: times.get(id)?.lastSyncAt ?? null }]),
    );
  }

  /** Sign-ins and migrations of many pools per UTC day over the last `days` days (today included): two statements. */
  async activityOf(poolIds: readonly string[], days: number): Promise<Map<string, PoolActivityDay[]>> {
    const migrations = await poolMigrationsByDay(await nativePool(this.em), poolIds, days);
    const first = migrations.get(poolIds[0]!)?.[0]?.day;
    const signIns = first ? await poolSignInsByDay(this.em, poolIds, new Date(`${first}T00:00:00Z`)) : new Map<string, number>();
    return new Map(
      poolIds.map((id) => [id, (migrations.get(id) ?? []).map(({ day, count }) => ({ day, migrated: count, signIns: signIns.get(`${id}|${day}`) ?? 0 }))]),
    );
  }
}
