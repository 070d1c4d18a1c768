import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxRuns, type SandboxRun } from '@tributary/sandbox';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { BreakerState, PoolBreakers } from '../pools/pool-breakers.js';
import { sourceCalls, type SourceCall } from '../pools/source-calls.js';
import { signInTimings, type SignInTiming } from '../sign-in/timings.js';

/**
 * Job progress, for the jobs domain to publish on `tributary:job-progress` (the seam: nothing here
 * depends on how jobs run). `items` processed since the last message, by result.
 */
export interface JobProgress {
  kind: string;
  result: 'ok' | 'failed' | 'skipped';
  items: number;
}
const JOB_PROGRESS = 'tributary:job-progress';

const BREAKER_STATES: readonly BreakerState[] = ['closed', 'half-open', 'open'];
/** From the sub-millisecond local steps to a source near its timeout. */
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface MetricsDeps {
  breakers: PoolBreakers;
  database: Database;
}

/**
 * The Prometheus registry of one node. Domains know nothing of prom-client: they publish on
 * node:diagnostics_channel (sign-ins, source calls, sandbox runs, job progress) and this module
 * counts; state (breakers, the database pool) is read when scraped. Channels are per process, so
 * two apps in one process (tests) count each other's events.
 */
export function createMetrics({ breakers, database }: MetricsDeps): { registry: Registry; stop(): void } {
  const registry = new Registry();
  // Process CPU, memory, GC, handles and the event loop's lag (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const signIns = new Counter({
    name: 'tributary_sign_ins_total',
    help: 'Password sign-ins by outcome and deciding pool',
    labelNames: ['outcome', 'pool'],
    registers,
  });
  const hash = new Histogram({
    name: 'tributary_sign_in_hash_seconds',
    help: 'Time a sign-in spent hashing',
    labelNames: ['outcome'],
    buckets: SECONDS,
    registers,
  });
  const pipeline = new Histogram({
    name: 'tributary_sign_in_pipeline_seconds',
    help: 'Time a sign-in spent beyond hashing (database, sources, prehooks)',
    labelNames: ['outcome'],
    buckets: SECONDS,
    registers,
  });
  const calls = new Counter({
    name: 'tributary_source_calls_total',
    help: 'Calls to pool sources by pool, operation and result',
    labelNames: ['pool', 'operation', 'result', 'code'],
    registers,
  });
  const runs = new Counter({
    name: 'tributary_sandbox_runs_total',
    help: 'Sandboxed script calls by outcome (ok, timeout, oom, ...)',
    labelNames: ['kind'],
    registers,
  });
  const jobs = new Counter({ name: 'tributary_job_items_total', help: 'Items processed by background jobs', labelNames: ['kind', 'result'], registers });
  new Gauge({
    name: 'tributary_pool_circuit_state',
    help: "Each pool's circuit breaker on this node: 1 for its current state",
    labelNames: ['pool', 'state'],
    registers,
    collect() {
      this.reset();
      for (const [pool, current] of breakers.states()) for (const state of BREAKER_STATES) this.set({ pool, state }, state === current ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tributary_db_pool_connections',
    help: "MikroORM's PostgreSQL pool: total, idle, and callers waiting for a connection",
    labelNames: ['state'],
    registers,
    async collect() {
      const pool = (await database.orm.em.getConnection().getNativeClient()) as Pool;
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });

  const listeners: [string, (message: unknown) => void][] = [
    [
      signInTimings.name as string,
      (message) => {
        const { outcome, pool, totalMs, hashMs } = message as SignInTiming;
        signIns.inc({ outcome, pool });
        hash.observe({ outcome }, hashMs / 1000);
        pipeline.observe({ outcome }, Math.max(0, totalMs - hashMs) / 1000);
      },
    ],
    [
      sourceCalls.name as string,
      (message) => {
        const { pool, operation, result, code } = message as SourceCall;
        calls.inc({ pool, operation, result, code: code ?? '' });
      },
    ],
    [sandboxRuns.name as string, (message) => runs.inc({ kind: (message as SandboxRun).kind })],
    [
      JOB_PROGRESS,
      (message) => {
        const { kind, result, items } = message as JobProgress;
        jobs.inc({ kind, result }, items);
      },
    ],
  ];
  for (const [name, listener] of listeners) subscribe(name, listener);
  return {
    registry,
    stop() {
      for (const [name, listener] of listeners) unsubscribe(name, listener);
      registry.clear();
    },
  };
}

/** `GET /metrics` on its own listener, on 127.0.0.1 only: the figures are for the operator's scraper. */
export async function serveMetrics(registry: Registry, port: number, logger: Logger): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'could not collect metrics');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
