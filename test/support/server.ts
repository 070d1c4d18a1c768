import { randomBytes } from 'node:crypto';
import type { PoolSource } from '@tributary/plugin-kit';
import { inject } from 'vitest';
import { startApp, type RunningApp, type StartOptions, loadConfig, createLogger, type Logger } from '@tributary/core';
import { createDatabase } from './databases.js';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string } & Record<string, unknown> }[];
}

export interface TestServer {
  url: string;
  adminKey: string;
  secretKey: string;
  app: RunningApp;
  databaseUrl: string;
  /** POST /graphql with the admin key (or `key`, or none with `key: null`). */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, options?: { key?: string | null }): Promise<GraphQLResponse<T>>;
  /** Runs SQL on the server's database (test setup and assertions only). */
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  sources?: PoolSource[];
  env?: Record<string, string>;
  /** Another node on the same database (and secrets key) as this server. */
  sameDatabaseAs?: TestServer;
  /** A database of the test's own (an embedded server it stops and starts), used as is and never dropped. */
  databaseUrl?: string;
  /** The server's clock for token times and signing-key activation. */
  clock?: () => number;
  /** Sandbox options, such as a resolver for the host names scripts fetch. */
  sandbox?: StartOptions['sandbox'];
  /** The server's logger (default: one at LOG_LEVEL, silent unless TEST_LOG_LEVEL is set). */
  logger?: Logger;
}

/** The one way tests start Tributary: the real server over HTTP, on a fresh database of its own. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const peer = options.sameDatabaseAs;
  const given = peer?.databaseUrl ?? options.databaseUrl;
  const database = given ? { url: given, drop: async () => undefined } : await createDatabase(inject('pgAdminUrl'));
  const adminKey = peer?.adminKey ?? `trb_admin_${randomBytes(32).toString('base64url')}`;
  const secretKey = peer?.secretKey ?? randomBytes(32).toString('base64');
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: database.url,
    TRIBUTARY_SECRET_KEY: secretKey,
    TRIBUTARY_BOOTSTRAP_ADMIN_KEY: adminKey,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const app = await startApp({
    config,
    sources: options.sources,
    logger: options.logger ?? createLogger(config.logLevel),
    clock: options.clock,
    sandbox: options.sandbox,
  });
  const gql: TestServer['gql'] = async (query, variables, opts) => {
    const key = opts?.key === undefined ? adminKey : opts.key;
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
    return { status: response.status, data: (body.data ?? null) as never, errors: body.errors };
  };
  return {
    url: app.url,
    adminKey,
    secretKey,
    app,
    databaseUrl: database.url,
    gql,
    sql: async (query, params = []) => app.database.orm.em.fork().getConnection().execute(query, params) as never,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data;
}
