import type { EntityManager } from '@mikro-orm/postgresql';
import type { LogEntry } from '@tributary/sandbox';
import { newId } from '../ids.js';
import type { Logger } from '../logger.js';
import type { PrehookEvent } from './prehook.entity.js';

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

type Row = Record<string, unknown>;
const parseJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);

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
    const rows = await this.em()
      .getConnection()
      .execute<Row[]>('select * from prehook_runs where prehook_id = ? order by created_at desc, id desc limit ?', [prehookId, first]);
    return rows.map((row) => ({
      id: row.id as string,
      prehookId: row.prehook_id as string,
      event: row.event as PrehookEvent,
      ok: row.ok as boolean,
      errorKind: (row.error_kind as RunErrorKind | null) ?? null,
      errorMessage: (row.error_message as string | null) ?? null,
      errorLine: (row.error_line as number | null) ?? null,
      durationMs: Number(row.duration_ms),
      log: parseJson(row.log) as LogEntry[],
      logTruncated: row.log_truncated as boolean,
      test: row.test as boolean,
      createdAt: new Date(row.created_at as string),
    }));
  }

  private async write(batch: PrehookRunRecord[]): Promise<void> {
    const rows = batch.map((run) => ({ ...run, createdAt: run.createdAt.toISOString() }));
    try {
      const connection = this.em().getConnection();
      // One statement per batch; runs of a prehook deleted meanwhile are dropped by the join instead of failing it.
      await connection.execute(
        `insert into prehook_runs (id, prehook_id, event, ok, error_kind, error_message, error_line, duration_ms, log, log_truncated, test, created_at)
         select r."id", r."prehookId", r."event", r."ok", r."errorKind", r."errorMessage", r."errorLine", r."durationMs", r."log", r."logTruncated", r."test", r."createdAt"
         from jsonb_to_recordset(?::jsonb) as r("id" uuid, "prehookId" uuid, "event" text, "ok" boolean, "errorKind" text, "errorMessage" text,
           "errorLine" int, "durationMs" float8, "log" jsonb, "logTruncated" boolean, "test" boolean, "createdAt" timestamptz)
         join prehooks p on p.id = r."prehookId"`,
        [JSON.stringify(rows)],
      );
      await connection.execute(
        `delete from prehook_runs r using (
           select id from (select id, row_number() over (partition by prehook_id order by created_at desc, id desc) as n
                           from prehook_runs where prehook_id in (select jsonb_array_elements_text(?::jsonb)::uuid)) ranked where n > ?
         ) old where r.id = old.id`,
        [JSON.stringify([...new Set(batch.map((run) => run.prehookId))]), RUNS_KEPT],
      );
    } catch (error) {
      this.logger.error({ err: error, runs: batch.length }, 'could not write prehook runs');
    }
  }
}
