import type { EntityManager } from '@mikro-orm/postgresql';
import type { LogEntry } from '@tributary/sandbox';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { PrehookEvent } from './prehook.entity.js';
import { insertRunsAndPrune, latestRuns } from './prehook-run.repository.js';

/** Runs kept per prehook: enough to debug the last few minutes, bounded whatever the traffic. */
export const RUNS_KEPT = 100;
const FLUSH_DELAY_MS = 200;
const MAX_BATCH = 200;
const MAX_ERROR_CHARS = 500;

/** Why a run failed, from the admin's point of view: a sandbox fault kind, or a result the event does not take. */
export type RunErrorKind = 'timeout' | 'oom' | 'syntax' | 'runtime' | 'denied' | 'output' | 'unavailable' | 'invalid_result';

export interface PrehookRunRecord {
  id: string;
  prehookId: string;
  event: PrehookEvent;
  ok: boolean;
  errorKind: RunErrorKind | null;
  /** The fault's message for the admin (the end user never sees it). */
  errorMessage: string | null;
  errorLine: number | null;
  durationMs: number;
  log: LogEntry[];
  logTruncated: boolean;
  /** A testPrehook run, not a real event. */
  test: boolean;
  createdAt: Date;
}

/**
 * The execution log (prehook_runs). Sign-ins only queue a record; a timer writes the queue in one
 * statement and prunes each prehook to its last RUNS_KEPT runs, so the log never adds a round trip
 * to a sign-in. Reading flushes first, so an admin sees every run this node made.
 */
export class PrehookRunLog {
  #queue: PrehookRunRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly em: () => EntityManager,
    private readonly logger: Logger,
  ) {}

  record(run: Omit<PrehookRunRecord, 'id' | 'createdAt'>): PrehookRunRecord {
    const record = { ...run, id: newId(), createdAt: new Date(), errorMessage: run.errorMessage?.slice(0, MAX_ERROR_CHARS) ?? null };
    this.#queue.push(record);
    if (this.#queue.length >= MAX_BATCH) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS).unref();
    return record;
  }

  /** Writes what is queued; failures are logged, never thrown at a sign-in. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    this.#writing = this.#writing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.#writing;
  }

  async list(prehookId: string, first: number): Promise<PrehookRunRecord[]> {
    await this.flush();
    return latestRuns(this.em(), prehookId, first);
  }

  private async write(batch: PrehookRunRecord[]): Promise<void> {
    try {
      await insertRunsAndPrune(this.em(), batch, RUNS_KEPT);
    } catch (error) {
      this.logger.error({ err: error, runs: batch.length }, 'could not write prehook runs');
    }
  }
}
