// `pnpm bench users-page`: seeds BENCH_USERS users (default 1,000,000) through the bulk path, then times the
// admin `users(first: 50, filter)` page with tenant and roles over HTTP, and counts SQL statements per request.
// Target (2 cores): p50 <= 15 ms and at most 3 statements per page besides the admin-key check.
//
// Env: BENCH_DATABASE_URL / DATABASE_URL (a server that may create databases; default postgres://postgres@127.0.0.1:5432/postgres,
// the embedded database when none answers), BENCH_USERS, BENCH_REQUESTS (500), BENCH_WARMUP (50), BENCH_KEEP=1 keeps the database.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type RunningApp,
  startEmbeddedDatabase,
  type EmbeddedDatabase,
  createOrm,
  newId,
  createLogger,
  BULK_BATCH_SIZE,
  bulkInsertUsers,
  type BulkUser,
  USER_STATUSES,
  type UserStatus,
} from '@tributary/core';
import { machineLine, startBenchApp } from './support/app.js';

const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 500);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 50);
const TENANTS = 1000;
const ROLES = 20;
const CHUNK = 10_000;
const SEED_WORKERS = 2;
const PAGE = 50;

// Deterministic data (mulberry32), so runs compare.
let state = 0x7269_6275;
const random = (): number => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const fmt = (n: number): string => n.toLocaleString('en-US');
const loadavg = (): string =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

const FIRST =
  'olivia liam emma noah ava elijah sophia james isabella lucas mia henry amelia theo harper jack evelyn levi abigail mateo emily ezra ella asher elizabeth leo camila oliver luna wyatt sofia owen avery daniel mila hudson aria jacob scarlett ethan'.split(
    ' ',
  );
const LAST =
  'smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores'.split(
    ' ',
  );
const DOMAINS = ['example.com', 'example.org', 'mail.test', 'corp.test', 'acme.test'];
// 90% active, 7% pending activation, 3% disabled: the status filter spans a very broad and two narrow sets.
const statusOf = (r: number): UserStatus => (r < 0.9 ? 'ACTIVE' : r < 0.97 ? 'PENDING_ACTIVATION' : 'DISABLED');

const timeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms).unref())]);

/** One statement on a server's maintenance database (bench/ has no `pg` of its own: the ORM's pool is used). */
async function onServer(url: string, sql: string): Promise<void> {
  const orm = await timeout(createOrm({ url, poolSize: 1 }), 5000);
  try {
    const pool = await orm.em.fork().getConnection().getNativeClient();
    await timeout(pool.query(sql), 60_000);
  } finally {
    await orm.close().catch(() => undefined);
  }
}

const withDatabase = (url: string, name: string): string => Object.assign(new URL(url), { pathname: `/${name}` }).toString();

interface Server {
  adminUrl: string;
  label: string;
  stop(): Promise<void>;
}

async function server(): Promise<Server> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    await onServer(adminUrl, 'select 1');
    const { host, port } = new URL(adminUrl);
    return { adminUrl, label: `PostgreSQL at ${host}${port ? '' : ':5432'}`, stop: async () => undefined };
  } catch (error) {
    console.log(`no PostgreSQL at ${new URL(adminUrl).host} (${(error as Error).message}); starting the embedded one`);
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'tributary-bench-db-'));
  const embedded: EmbeddedDatabase = await startEmbeddedDatabase(dir, 55_000 + Math.floor(Math.random() * 5000), createLogger('warn'));
  return {
    adminUrl: embedded.url,
    label: `embedded PostgreSQL in ${dir}`,
    async stop() {
      await embedded.stop();
      if (process.env.BENCH_KEEP === '1') console.log(`kept embedded data dir ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The app's own `pg` pool (bench/ has no `pg` dependency); statements on it bypass onQuery. */
const nativePool = (app: RunningApp) => app.database.orm.em.fork().getConnection().getNativeClient();
type Pool = Awaited<ReturnType<typeof nativePool>>;

interface Seeded {
  tenantIds: string[];
  prefixes: string[];
}

async function seed(pool: Pool): Promise<Seeded> {
  const tenantIds = Array.from({ length: TENANTS }, (_, i) => `t-${String(i + 1).padStart(4, '0')}`);
  await pool.query(`insert into tenants (id, name, created_at, updated_at) select id, 'Tenant ' || id, now(), now() from unnest($1::text[]) as t(id)`, [
    tenantIds,
  ]);
  const roleIds = Array.from({ length: ROLES }, () => newId());
  const roleKeys = roleIds.map((_, i) => `role-${String(i + 1).padStart(2, '0')}`);
  await pool.query(`insert into roles (id, key, name, created_at) select id, key, 'Role ' || key, now() from unnest($1::uuid[], $2::text[]) as r(id, key)`, [
    roleIds,
    roleKeys,
  ]);

  const chunks = Math.ceil(USERS / CHUNK);
  let next = 0;
  let done = 0;
  let links = 0;
  let reported = 0;
  const started = performance.now();
  const chunkOf = (index: number): BulkUser[] => {
    const users: BulkUser[] = [];
    for (let n = index * CHUNK; n < Math.min(USERS, (index + 1) * CHUNK); n++) {
      const roles = new Set<string>();
      const count = 1 + Math.floor(random() * 3);
      while (roles.size < count) roles.add(pick(roleIds));
      users.push({
        email: `${pick(FIRST)}.${pick(LAST)}${n}@${pick(DOMAINS)}`,
        status: statusOf(random()),
        tenantId: pick(tenantIds),
        profile: { name: `User ${n}` },
        roleIds: [...roles],
      });
    }
    return users;
  };
  const worker = async (): Promise<void> => {
    for (let index = next++; index < chunks; index = next++) {
      const result = await bulkInsertUsers(pool, chunkOf(index));
      done += result.inserted;
      links += result.roleLinks;
      if (result.skipped) throw new Error(`bulk insert skipped ${result.skipped} users: emails are unique by construction`);
      if (done - reported >= USERS / 10 || done === USERS) {
        reported = done;
        const seconds = (performance.now() - started) / 1000;
        console.log(`  seeded ${fmt(done).padStart(9)} users  ${seconds.toFixed(1).padStart(6)} s  ${fmt(Math.round(done / seconds))} users/s`);
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_WORKERS }, worker));
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `seeding: ${fmt(done)} users + ${fmt(links)} user_roles in ${seconds.toFixed(1)} s = ${fmt(Math.round(done / seconds))} users/s ` +
      `(${fmt(Math.round((done + links) / seconds))} rows/s), batches of ${fmt(BULK_BATCH_SIZE)}, ${SEED_WORKERS} concurrent`,
  );
  const analyzing = performance.now();
  // VACUUM as well as ANALYZE: autovacuum would set the visibility map within a minute of a real import,
  // and without it the index-only scans behind count(*) visit the heap.
  await pool.query('vacuum (analyze) tenants, roles, users, user_roles');
  console.log(`vacuum (analyze): ${((performance.now() - analyzing) / 1000).toFixed(1)} s`);
  return { tenantIds, prefixes: FIRST };
}

const QUERY = `query($f: UserFilterInput, $after: String) { users(first: ${PAGE}, filter: $f, after: $after) {
  totalCount edges { cursor node { id email status tenant { id name } roles { key name } } } pageInfo { hasNextPage endCursor } } }`;
const QUERY_NO_COUNT = QUERY.replace('totalCount ', '');

type Kind = 'tenantId' | 'email prefix' | 'status' | 'no filter (after)';
const KINDS: Kind[] = ['tenantId', 'email prefix', 'status', 'no filter (after)'];

interface Page {
  totalCount?: number;
  edges: {
    cursor: string;
    node: { id: string; email: string; status: string; tenant: { id: string; name: string } | null; roles: { key: string; name: string }[] };
  }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface Sample {
  kind: Kind;
  /** Which value of the filter: status=DISABLED, email=first-name prefix... */
  detail: string;
  ms: number;
  page: number;
  total: number;
  /** Sum of the `took` MikroORM logs for the request's statements (whole ms each): the database's share. */
  sqlMs: number;
  /** The `select count(*)` behind totalCount alone (0 when not asked). */
  countMs: number;
}

async function main(): Promise<void> {
  console.log(machineLine());
  const pg = await server();
  const name = `trb_bench_${randomBytes(5).toString('hex')}`;
  await onServer(pg.adminUrl, `create database "${name}"`);
  const databaseUrl = withDatabase(pg.adminUrl, name);
  let app: RunningApp | undefined;
  try {
    let statements: string[] | undefined;
    const started = await startBenchApp(databaseUrl, { onQuery: (sql) => statements?.push(sql) });
    app = started.app;
    const adminKey = started.adminKey;
    const pool = await nativePool(app);
    const { rows } = await pool.query<{ v: string; sb: string }>(`select current_setting('server_version') as v, current_setting('shared_buffers') as sb`);
    console.log(`database: ${pg.label}, PostgreSQL ${rows[0]?.v} (shared_buffers ${rows[0]?.sb}), database ${name}`);

    const { tenantIds, prefixes } = await seed(pool);
    const url = `${app.url}/graphql`;
    const request = async (query: string, variables: Record<string, unknown>): Promise<{ page: Page; ms: number; sql: string[] }> => {
      statements = [];
      const started = performance.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: { users: Page }; errors?: unknown[] };
      const ms = performance.now() - started;
      const sql = statements;
      statements = undefined;
      if (response.status !== 200 || body.errors || !body.data) throw new Error(`HTTP ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
      return { page: body.data.users, ms, sql };
    };

    let cursor: string | null = null;
    const variablesOf = (kind: Kind): { f: Record<string, string> | null; after: string | null } => {
      if (kind === 'tenantId') return { f: { tenantId: pick(tenantIds) }, after: null };
      if (kind === 'email prefix') return { f: { email: random() < 0.5 ? pick(prefixes) : `${pick(prefixes)}.${pick(LAST)}` }, after: null };
      if (kind === 'status') return { f: { status: pick(USER_STATUSES) }, after: null };
      return { f: null, after: cursor };
    };
    const check = (kind: Kind, f: Record<string, string> | null, page: Page, counted: boolean): void => {
      const fail = (what: string): never => {
        throw new Error(`${kind} ${JSON.stringify(f)}: ${what}`);
      };
      if (page.edges.length > PAGE) fail(`${page.edges.length} edges`);
      if (page.edges.length === 0) fail('no edges');
      if (counted && !(page.totalCount! > 0)) fail(`totalCount ${page.totalCount}`);
      for (const { node } of page.edges) {
        if (!Array.isArray(node.roles) || node.roles.length < 1 || node.roles.length > 3) fail(`user ${node.id} has roles ${JSON.stringify(node.roles)}`);
        if (!node.tenant?.name) fail(`user ${node.id} has no tenant`);
        if (f?.tenantId && node.tenant?.id !== f.tenantId) fail(`user ${node.id} in tenant ${node.tenant?.id}`);
        if (f?.email && !node.email.startsWith(f.email)) fail(`user ${node.email}`);
        if (f?.status && node.status !== f.status) fail(`user ${node.id} is ${node.status}`);
      }
    };
    const run = async (kind: Kind, query = QUERY): Promise<Sample> => {
      const { f, after } = variablesOf(kind);
      const { page, ms, sql } = await request(query, { f, after });
      check(kind, f, page, query === QUERY);
      if (kind === 'no filter (after)') cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      const auth = sql.filter((text) => text.includes('admin_keys')).length;
      if (auth !== 1) throw new Error(`expected one admin-key statement, saw ${auth}: ${sql.join('\n')}`);
      const took = (text: string): number => Number(/\[took (\d+) ms/.exec(text)?.[1] ?? 0);
      const sqlMs = sql.reduce((sum, text) => sum + took(text), 0);
      const countMs = sql.filter((text) => text.includes('select count(*)')).reduce((sum, text) => sum + took(text), 0);
      const detail = f?.status ? `status=${f.status}` : f?.email ? (f.email.includes('.') ? 'email=first.last' : 'email=first') : '';
      return { kind, detail, ms, page: sql.length - auth, total: sql.length, sqlMs, countMs };
    };

    for (let i = 0; i < WARMUP; i++) await run(KINDS[i % KINDS.length]!);
    const samples: Sample[] = [];
    for (let i = 0; i < REQUESTS; i++) samples.push(await run(KINDS[i % KINDS.length]!));
    // Diagnostic, not in the overall line: the unfiltered page without totalCount, to show what the exact count costs.
    const noCount: Sample[] = [];
    for (let i = 0; i < 100; i++) noCount.push(await run('no filter (after)', QUERY_NO_COUNT));

    const percentile = (rows: Sample[], key: 'ms' | 'sqlMs' | 'countMs', p: number): number => {
      const sorted = rows.map((row) => row[key]).sort((a, b) => a - b);
      return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN;
    };
    const stmts = (values: number[]): string => {
      const max = Math.max(...values);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return mean === max ? String(max) : `${mean.toFixed(2)} (max ${max})`;
    };
    const WIDTHS = [30, 5, 8, 8, 10, 12, 11, 10];
    const row = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(WIDTHS[i]!) : cell.padStart(WIDTHS[i]!))).join('  ');
    const line = (label: string, rows: Sample[]): string =>
      row([
        label,
        String(rows.length),
        percentile(rows, 'ms', 0.5).toFixed(1),
        percentile(rows, 'ms', 0.99).toFixed(1),
        percentile(rows, 'sqlMs', 0.5).toFixed(0),
        percentile(rows, 'countMs', 0.5).toFixed(0),
        stmts(rows.map((s) => s.page)),
        stmts(rows.map((s) => s.total)),
      ]);
    console.log(
      `\nusers(first: ${PAGE}, filter) { totalCount edges { node { tenant roles } } } over HTTP, sequential, keep-alive, after ${fmt(WARMUP)} warm-up requests`,
    );
    console.log(row(['filter', 'n', 'p50 ms', 'p99 ms', 'p50 sql ms', 'p50 count ms', 'stmts/page', 'stmts/req']));
    for (const kind of KINDS) {
      const rows = samples.filter((s) => s.kind === kind);
      console.log(line(kind, rows));
      const details = [...new Set(rows.map((s) => s.detail))].filter(Boolean).sort();
      for (const detail of details)
        console.log(
          line(
            `  ${detail}`,
            rows.filter((s) => s.detail === detail),
          ),
        );
    }
    console.log(line('overall', samples));
    console.log(line('(no filter, without totalCount)', noCount));
    console.log('stmts/page excludes the admin-key check (1 statement per request); stmts/req includes it. Target: p50 <= 15 ms, stmts/page <= 3.');
    console.log(`sql/count ms: medians of the statement times MikroORM logs (whole ms; count and roles run concurrently). Load average now: ${loadavg()}`);
  } finally {
    await app?.close();
    if (process.env.BENCH_KEEP === '1') console.log(`kept database ${databaseUrl.replace(/\/\/[^@]*@/, '//')}`);
    else await onServer(pg.adminUrl, `drop database if exists "${name}" with (force)`);
    await pg.stop();
  }
}

await main();
