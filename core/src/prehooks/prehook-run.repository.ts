import type { EntityManager } from '@mikro-orm/postgresql';
import type { LogEntry } from '@tributary/sandbox';
import { jsonColumn } from '../db/sql.js';
import type { PrehookEvent } from './prehook.entity.js';
import type { PrehookRunRecord, RunErrorKind } from './run-log.js';

/** The prehook_runs table (the execution log); PrehookRunLog, run-log.ts, queues and batches its writes. */

type Row = Record<string, unknown>;

export async function latestRuns(em: EntityManager, prehookId: string, first: number): Promise<PrehookRunRecord[]> {
  const rows = await em
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
    log: jsonColumn<LogEntry[]>(row.log),
    logTruncated: row.log_truncated as boolean,
    test: row.test as boolean,
    createdAt: new Date(row.created_at as string),
  }));
}

/**
 * Writes a batch in one statement, then prunes each prehook it names to its last `kept` runs. Runs of a
 * prehook deleted meanwhile are dropped by the join instead of failing the batch.
 */
export async function insertRunsAndPrune(em: EntityManager, batch: readonly PrehookRunRecord[], kept: number): Promise<void> {
  const rows = batch.map((run) => ({ ...run, createdAt: run.createdAt.toISOString() }));
  const connection = em.getConnection();
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
    [JSON.stringify([...new Set(batch.map((run) => run.prehookId))]), kept],
  );
}
