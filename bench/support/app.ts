import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { PoolSource } from '../../plugins/kit/src/index.js';
import { startApp, type RunningApp, loadConfig, createLogger } from '@tributary/core';

/** What every benchmark prints first: the figures mean little without the machine. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  return `machine: ${os.cpus().length} cores (${cpu}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, load average ${load}`;
}

/** The app as production runs it (no logs, production errors) on a database of the benchmark's own. */
export async function startBenchApp(
  databaseUrl: string,
  options: { sources?: PoolSource[]; onQuery?: (sql: string) => void } = {},
): Promise<{ app: RunningApp; adminKey: string }> {
  const adminKey = `trb_admin_${randomBytes(32).toString('base64url')}`;
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64'),
    TRIBUTARY_BOOTSTRAP_ADMIN_KEY: adminKey,
    LOG_LEVEL: 'silent',
  });
  const app = await startApp({ config, logger: createLogger('silent'), ...options });
  return { app, adminKey };
}

/** The p-th percentile (0..1) of sorted values, nearest-rank. */
export const percentile = (sorted: number[], p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;

/** An admin GraphQL call that must succeed: a benchmark on a broken setup should stop, not measure errors. */
export async function gql<T>(url: string, adminKey: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: HTTP ${response.status} ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}
