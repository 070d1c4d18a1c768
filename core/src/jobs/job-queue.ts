import type { EntityManager } from '@mikro-orm/postgresql';
import { PgBoss, type JobWithMetadata } from 'pg-boss';
import type { Logger } from '../logger.js';
import { nativePool } from '../db/transaction.js';
import { purgeExpiredRows, type PurgeOptions } from '../maintenance/purge.js';
import type { PoolConnector } from '../pools/pool-connector.js';
import { findPool, poolsToCheck, recordPoolHealth } from '../pools/pool.repository.js';
import { newId } from '../ids.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { deliverMail } from '../mail/delivery.js';
import { MailNotices } from '../mail/mail-notices.js';
import { pendingMail } from '../mail/mail-outbox.repository.js';
import type { Mailer } from '../mail/mailer.js';
import { deliverWriteBack } from '../write-back/write-back-delivery.js';
import { usersWithPending } from '../write-back/write-back.repository.js';
import { Interrupted, runPoolJob } from './pool-job-runner.js';
import { failAbandonedJobs, insertPoolJob, poolsDueForSync, staleQueuedJobs } from './pool-job.repository.js';

/** pg-boss keeps its tables in a schema of its own in our database: no other broker. */
export const JOBS_SCHEMA = 'pgboss';

export const QUEUES = {
  /** Imports and syncs: { jobId } of a pool_jobs row. */
  poolJob: 'pool-job',
  /** Every minute: scheduled syncs that are due, connection tests, lost deliveries. */
  tick: 'pool-tick',
  poolHealth: 'pool-health',
  purge: 'purge',
  /** { userId }: that user's pending write-back changes, in order (one active delivery per user). */
  writeBack: 'write-back',
  /** { id }: one mail_outbox row to send over SMTP. */
  mail: 'mail',
} as const;

/**
 * A dead node stops sending heartbeats; after this many seconds without one, pg-boss hands its job to
 * a retry on any node (pg-boss's minimum), which resumes at the last checkpoint.
 */
const HEARTBEAT_SECONDS = 10;
/** How often a node looks for jobs whose heartbeat stopped (pg-boss's default is a minute). */
const SUPERVISE_SECONDS = 5;

export interface JobQueueOptions {
  url: string;
  em: () => EntityManager;
  connector: PoolConnector;
  box: SecretBox;
  logger: Logger;
  purge: PurgeOptions & { intervalMinutes: number };
  mailer: Mailer;
}

/**
 * pg-boss in the same PostgreSQL: it delivers jobs to one worker on any node, retries them with
 * backoff and runs the schedules (one node sends each occurrence). The state of an import or sync is
 * ours, in pool_jobs (jobs/pool-job-runner.ts).
 */
export class JobQueue {
  readonly boss: PgBoss;
  #stopping = false;
  readonly #mailNotices: MailNotices;

  constructor(private readonly options: JobQueueOptions) {
    this.boss = new PgBoss({
      connectionString: options.url,
      schema: JOBS_SCHEMA,
      max: 4,
      application_name: 'tributary-jobs',
      superviseIntervalSeconds: SUPERVISE_SECONDS,
      monitorIntervalSeconds: SUPERVISE_SECONDS,
    });
    this.boss.on('error', (error) => options.logger.error({ err: error }, 'job queue error'));
    this.#mailNotices = new MailNotices(options.url, (id) => void this.deliverMail([id]).catch(() => undefined), options.logger);
  }

  async start(): Promise<void> {
    const { boss } = this;
    await boss.start();
    // One active job per pool (singletonKey = pool id); a failed attempt is retried with backoff from 10 s to 5 min.
    await boss.createQueue(QUEUES.poolJob, {
      policy: 'singleton',
      retryLimit: 6,
      retryDelay: 10,
      retryBackoff: true,
      retryDelayMax: 300,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      expireInSeconds: 6 * 3600,
    });
    await boss.createQueue(QUEUES.tick, { policy: 'stately', retryLimit: 0, expireInSeconds: 300 });
    await boss.createQueue(QUEUES.poolHealth, { policy: 'stately', retryLimit: 0, expireInSeconds: 120 });
    // While the source is down: retried from 5 s, doubling, to 5 min; past the last retry the minute tick sends it again.
    // Heartbeats: a delivery whose node died is handed on within seconds, not at its expiry.
    await boss.createQueue(QUEUES.writeBack, {
      policy: 'stately',
      retryLimit: 20,
      retryDelay: 5,
      retryBackoff: true,
      retryDelayMax: 300,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      expireInSeconds: 600,
    });
    // A mail server outage: retried from 2 s, doubling, to 5 min; the row is dropped once its code has expired.
    await boss.createQueue(QUEUES.mail, {
      policy: 'stately',
      retryLimit: 30,
      retryDelay: 2,
      retryBackoff: true,
      retryDelayMax: 300,
      expireInSeconds: 120,
    });
    await boss.createQueue(QUEUES.purge, { policy: 'stately', retryLimit: 2, retryDelay: 60, expireInSeconds: 600 });

    await boss.work<{ jobId: string }>(QUEUES.poolJob, { includeMetadata: true, localConcurrency: 2 }, async ([job]) =>
      this.#runPoolJob(job as JobWithMetadata<{ jobId: string }>),
    );
    await boss.work(QUEUES.tick, async () => this.#tick());
    // A worker waits a polling interval between fetches: the tests of many pools go in batches, side by side.
    await boss.work<{ poolId: string }>(QUEUES.poolHealth, { batchSize: 20 }, async (jobs) => {
      await Promise.all(jobs.map((job) => this.#checkHealth(job.data.poolId)));
    });
    await boss.work(QUEUES.purge, async () => this.#purge());
    await boss.work<{ userId: string }>(QUEUES.writeBack, { localConcurrency: 2 }, async ([job]) =>
      deliverWriteBack({ em: this.options.em, connector: this.options.connector, box: this.options.box, logger: this.options.logger }, job!.data.userId),
    );

    await boss.work<{ id: string }>(QUEUES.mail, { localConcurrency: 2, pollingIntervalSeconds: 0.5 }, async ([job]) =>
      deliverMail({ em: this.options.em, box: this.options.box, mailer: this.options.mailer, logger: this.options.logger }, job!.data.id),
    );
    await this.#mailNotices.start();

    await boss.schedule(QUEUES.tick, '* * * * *');
    const { intervalMinutes } = this.options.purge;
    if (intervalMinutes > 0) await boss.schedule(QUEUES.purge, `FREQ=MINUTELY;INTERVAL=${intervalMinutes}`);
    else await boss.unschedule(QUEUES.purge);
  }

  /** Hands a queued pool job to pg-boss; its id is the job's, so a second delivery of the same job is a no-op. */
  async deliver(jobId: string, poolId: string): Promise<void> {
    await this.boss.send(QUEUES.poolJob, { jobId }, { id: jobId, singletonKey: poolId });
  }

  /** Delivers the users' pending write-back changes (the minute tick sends any whose delivery was lost). */
  async deliverWriteBack(userIds: readonly string[]): Promise<void> {
    for (const userId of userIds) await this.boss.send(QUEUES.writeBack, { userId }, { singletonKey: userId });
  }

  /** Sends queued mails (each woken by its commit's notice; the minute tick sends any whose notice was lost). */
  async deliverMail(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.boss.send(QUEUES.mail, { id }, { singletonKey: id });
  }

  /** A cancelled job that has not started is taken off the queue (a running one stops at its next checkpoint). */
  async cancelDelivery(jobId: string): Promise<void> {
    await this.boss.cancel(QUEUES.poolJob, jobId).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#mailNotices.stop();
    await this.boss.stop({ graceful: true, timeout: 10_000 });
  }

  async #runPoolJob(job: JobWithMetadata<{ jobId: string }>): Promise<void> {
    const { em, connector, logger } = this.options;
    try {
      await runPoolJob({ em, connector, logger, stopping: () => this.#stopping }, job.data.jobId, job.retryCount >= job.retryLimit);
    } catch (error) {
      // pg-boss retries it (with backoff), from the checkpoint; an interrupted job is not an error.
      if (!(error instanceof Interrupted)) logger.info({ job: job.data.jobId, attempt: job.retryCount }, 'pool job will be retried');
      throw error;
    }
  }

  /** Jobs pg-boss gave up on made FAILED, scheduled syncs that are due, a connection test per pool, and re-delivery of jobs whose delivery was lost. */
  async #tick(): Promise<void> {
    const db = await nativePool(this.options.em());
    const abandoned = await failAbandonedJobs(db, JOBS_SCHEMA, QUEUES.poolJob);
    if (abandoned.length) this.options.logger.warn({ jobs: abandoned }, 'pool jobs failed: pg-boss gave up on them');
    for (const poolId of await poolsDueForSync(db)) {
      const job = await insertPoolJob(db, { id: newId(), poolId, kind: 'SYNC', dryRun: false });
      if (job) await this.deliver(job.id, poolId);
    }
    for (const job of await staleQueuedJobs(db)) await this.deliver(job.id, job.poolId);
    await this.deliverWriteBack(await usersWithPending(db));
    await this.deliverMail(await pendingMail(db));
    for (const pool of await poolsToCheck(this.options.em())) await this.boss.send(QUEUES.poolHealth, { poolId: pool.id }, { singletonKey: pool.id });
  }

  async #checkHealth(poolId: string): Promise<void> {
    const em = this.options.em();
    const pool = await findPool(em, poolId);
    if (!pool) return;
    const result = await this.options.connector.test(pool);
    await recordPoolHealth(await nativePool(em), poolId, result.ok ? 'UP' : 'DOWN', result.message);
  }

  async #purge(): Promise<void> {
    const deleted = await purgeExpiredRows(this.options.em(), { auditRetentionDays: this.options.purge.auditRetentionDays });
    const total = Object.values(deleted).reduce((sum, n) => sum + n, 0);
    if (total) this.options.logger.info({ deleted }, 'purged expired rows');
  }
}
