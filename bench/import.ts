// `pnpm bench import [--million] [--source | --file]`: first 100,000 users (and, with --million, 1,000,000) from a synthetic
// in-process source (bench/support/synthetic-source.ts: pages of 1,000, a tenth with a role, 1 % disabled) imported by
// the real job path (GraphQL importUsers, a pg-boss job, one transaction per page: COPY into staging, one merge, the
// checkpoint), into an empty pool and again (all unchanged). Then an Auth0 bulk-import file of as many users (and, with --million, of 1,000,000;
// BENCH_USERS=n,m... for other sizes), one per line, with bcrypt hashes, imported by the same code as
// `pnpm tributary import` (a FILE_IMPORT pool job: read once, hash formats checked, COPY into staging, one merge
// statement per 10,000 users) into an empty pool, then again into the pool that now holds them (all unchanged).
// For each size it prints users/s end to end, statements per 1,000 users, the process's resident memory sampled
// every 50 ms (start, peak, end: flat means the file never sits in memory), and, as the floor, PostgreSQL's COPY
// of the same rows into a plain table (no index) in the same run, with the import's ratio to it; then the same
// COPY into a copy of users with its eight indexes, which is what the merge pays on top.
//
// Every user has the same bcrypt hash (varied emails and ids): the import never computes a hash, it only names
// each one's format (a regex and a bounds check), so one hash costs the import what a million distinct ones
// would, while making a million at cost 10 would take about 20 hours.
//
// Env: BENCH_DATABASE_URL / DATABASE_URL (a server that may create databases; default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_USERS, BENCH_KEEP=1 keeps the database and the files.
import { chmodSync, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createOrm, importFile, newId, Progress, type FileImportResult, type RunningApp } from '@tributary/core';
import { gql, machineLine, startBenchApp } from './support/app.js';
import { identityOf, SYNTHETIC_ROLE_KEYS, syntheticSource } from '../test/fixtures/synthetic-source.js';

const PARTS = process.argv.includes('--source') ? ['source'] : process.argv.includes('--file') ? ['file'] : ['source', 'file'];
const SIZES = process.env.BENCH_USERS ? process.env.BENCH_USERS.split(',').map(Number) : process.argv.includes('--million') ? [100_000, 1_000_000] : [100_000];
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// bcrypt (cost 10) of "bench-password", made once with @node-rs/bcrypt.
const HASH = '$2b$10$Alpu76vRgy/vzHqNyT/5vuU87FLch3v3vLW.KZ/VyJWxlcqW0JKyi';
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const load = (): string =>
  os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

async function onServer(url: string, sql: string): Promise<void> {
  const orm = await createOrm({ url, poolSize: 1 });
  try {
    await (await orm.em.fork().getConnection().getNativeClient()).query(sql);
  } finally {
    await orm.close();
  }
}

/** The file, streamed out in blocks (respecting back-pressure), and the same rows as CSV for COPY. */
async function writeFiles(dir: string, users: number, prefix: string): Promise<{ json: string; csv: string }> {
  const paths = { json: join(dir, `${prefix}.json`), csv: join(dir, `${prefix}.csv`) };
  const json = createWriteStream(paths.json);
  const csv = createWriteStream(paths.csv);
  const write = async (stream: NodeJS.WritableStream, text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  await write(json, '[\n');
  for (let block = 0; block < users; block += 1000) {
    let jsonText = '';
    let csvText = '';
    for (let i = block; i < Math.min(users, block + 1000); i++) {
      const user = {
        email: `${prefix}${i}@bench.test`,
        email_verified: i % 3 === 0,
        user_id: `auth0|${prefix}${i}`,
        name: `User ${i}`,
        app_metadata: { plan: i % 2 ? 'pro' : 'free' },
        password_hash: HASH,
      };
      jsonText += `${JSON.stringify(user)}${i + 1 < users ? ',' : ''}\n`;
      const profile = JSON.stringify({ name: user.name, email_verified: user.email_verified }).replaceAll('"', '""');
      const metadata = JSON.stringify(user.app_metadata).replaceAll('"', '""');
      csvText += `${newId()},${user.email},ACTIVE,"${profile}","${metadata}",${user.user_id},${HASH},now,now\n`;
    }
    await write(json, jsonText);
    await write(csv, csvText);
  }
  await write(json, ']\n');
  json.end();
  csv.end();
  await Promise.all([once(json, 'finish'), once(csv, 'finish')]);
  return paths;
}

/** Resident memory every 50 ms while `work` runs: at its start, its peak, at its end. */
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; rss: { start: number; peak: number; end: number; heapPeak: number } }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  let heapPeak = 0;
  const timer = setInterval(() => {
    const { rss, heapUsed, external } = process.memoryUsage();
    peak = Math.max(peak, rss);
    heapPeak = Math.max(heapPeak, heapUsed + external);
  }, 50);
  try {
    const result = await work();
    const end = process.memoryUsage.rss();
    return { result, rss: { start, peak: Math.max(peak, end), end, heapPeak } };
  } finally {
    clearInterval(timer);
  }
}

const nativeDb = (app: RunningApp) => app.database.orm.em.fork().getConnection().getNativeClient();
type Db = Awaited<ReturnType<typeof nativeDb>>;

/** Every statement the process sends through a pg client, counted (the pool's clients share one prototype). */
async function countStatements(pool: Db): Promise<{ take: () => number; restore: () => void }> {
  let statements = 0;
  const probe = await pool.connect();
  const proto = Object.getPrototypeOf(probe) as { query: (...args: unknown[]) => unknown };
  probe.release();
  const query = proto.query;
  // BENCH_STATEMENTS=1: the time spent per statement text (its first 70 characters) at the end.
  const times = new Map<string, number>();
  const timed = process.env.BENCH_STATEMENTS === '1';
  proto.query = function (this: unknown, ...args: unknown[]) {
    statements++;
    const result = query.apply(this, args);
    if (timed && result instanceof Promise) {
      const text = typeof args[0] === 'string' ? args[0] : ((args[0] as { text?: string } | null)?.text ?? 'COPY or other');
      const key = text.replace(/\s+/g, ' ').trim().slice(0, 70);
      const begun = performance.now();
      void result.then(
        () => times.set(key, (times.get(key) ?? 0) + performance.now() - begun),
        () => undefined,
      );
    }
    return result;
  };
  if (timed)
    process.on('exit', () => {
      for (const [key, ms] of [...times].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.error(`${ms.toFixed(0).padStart(8)} ms  ${key}`);
    });
  return {
    take: () => {
      const taken = statements;
      statements = 0;
      return taken;
    },
    restore: () => (proto.query = query),
  };
}

interface RunFigures {
  seconds: number;
  statements: number;
  rss: { start: number; peak: number; end: number; heapPeak: number };
  counts: { created: number; updated: number; unchanged: number; conflict: number };
}

function printRun(label: string, users: number, { seconds, statements, rss, counts }: RunFigures): number {
  console.log(
    `  ${label}: ${fmt(users / seconds)} users/s end to end (${seconds.toFixed(1)} s), ${((1000 * statements) / users).toFixed(2)} statements per 1,000 users, ` +
      `RSS start ${mib(rss.start)} / peak ${mib(rss.peak)} / end ${mib(rss.end)} (JavaScript heap and buffers at most ${mib(rss.heapPeak)}), load average ${load()}; ` +
      `created ${fmt(counts.created)}, updated ${fmt(counts.updated)}, unchanged ${fmt(counts.unchanged)}, conflicts ${fmt(counts.conflict)}`,
  );
  return users / seconds;
}

const COPY_COLUMNS = 'id, email, status, profile, metadata, external_id, password_hash, created_at, updated_at';

/** PostgreSQL's COPY of the CSV rows (a server-side file, as the postgres superuser) into a plain table, then into a copy of users with its indexes. */
async function copyFloor(pool: Db, csv: string, users: number, columns = COPY_COLUMNS): Promise<{ plain: number; indexed: number }> {
  const copy = async (table: string, like: string): Promise<number> => {
    await pool.query(`create table ${table} (${like})`);
    const begun = performance.now();
    await pool.query(`copy ${table} (${columns}) from '${csv}' with (format csv)`);
    const rate = users / ((performance.now() - begun) / 1000);
    await pool.query(`drop table ${table}`);
    return rate;
  };
  const plain = await copy('copy_floor', 'like users');
  const indexed = await copy('copy_indexed', 'like users including all');
  console.log(
    `  PostgreSQL COPY of the same rows: ${fmt(plain)} rows/s into a plain table (the floor), ${fmt(indexed)} rows/s into a copy of users with its indexes`,
  );
  return { plain, indexed };
}

const CREATE_POOL = 'mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }';
const IMPORT = 'mutation($input: PoolJobInput!) { importUsers(input: $input) { id } }';
const JOB = 'query($id: ID!) { poolJob(id: $id) { status error progress { seen created updated unchanged conflicts failed } } }';

interface JobState {
  status: string;
  error: string | null;
  progress: { seen: number; created: number; updated: number; unchanged: number; conflicts: number; failed: number };
}

/** The synthetic source's users, imported twice through GraphQL and the job queue, as an admin would. */
async function sourceImport(url: string, adminKey: string, statements: { take: () => number }, dir: string, db: Db, n: number, users: number) {
  console.log(`\n${fmt(users)} users from the synthetic source (pages of 1,000, one tenant, a tenth with a role):`);
  const prefix = `syn${n}`;
  const { createUserPool } = await gql<{ createUserPool: { id: string } }>(url, adminKey, CREATE_POOL, {
    input: {
      type: 'EXTERNAL',
      source: syntheticSource.key,
      name: `Synthetic ${n}`,
      config: { users, prefix },
      settings: { jitMigration: true, tenantResolution: { mode: 'PREDEFINED', tenantId: 'bench' } },
    },
  });
  const run = async (label: string): Promise<number> => {
    statements.take();
    const started = performance.now();
    const { result, rss } = await sampled(async () => {
      const { importUsers } = await gql<{ importUsers: { id: string } }>(url, adminKey, IMPORT, { input: { poolId: createUserPool.id } });
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const { poolJob } = await gql<{ poolJob: JobState }>(url, adminKey, JOB, { id: importUsers.id });
        if (poolJob.status === 'SUCCEEDED') return poolJob.progress;
        if (poolJob.status !== 'RUNNING' && poolJob.status !== 'QUEUED') throw new Error(`the import ended ${poolJob.status}: ${poolJob.error}`);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    return printRun(label, users, {
      seconds,
      statements: statements.take(),
      rss,
      counts: { created: result.created, updated: result.updated, unchanged: result.unchanged, conflict: result.conflicts },
    });
  };
  const empty = await run('into an empty pool');
  const again = await run('again, all unchanged');
  // The same users as rows for the floor (the import's own columns: id, email, status, profile, external id).
  const csv = join(dir, `${prefix}.csv`);
  const out = createWriteStream(csv);
  for (let block = 0; block < users; block += 1000) {
    let text = '';
    for (let i = block; i < Math.min(users, block + 1000); i++) {
      const identity = identityOf(prefix, i);
      text += `${newId()},${identity.email},${identity.disabled ? 'DISABLED' : 'ACTIVE'},bench,"${JSON.stringify(identity.profile).replaceAll('"', '""')}",{},${identity.externalId},,now,now\n`;
    }
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const { plain, indexed } = await copyFloor(
    db,
    csv,
    users,
    'id, email, status, tenant_id, profile, metadata, external_id, password_hash, created_at, updated_at',
  );
  console.log(
    `  import / floor: ${(empty / plain).toFixed(2)} into an empty pool (${(empty / indexed).toFixed(2)} of the indexed COPY), ${(again / plain).toFixed(2)} all unchanged`,
  );
  if (process.env.BENCH_KEEP !== '1') rmSync(csv);
}

async function fileImport(app: RunningApp, statements: { take: () => number }, dir: string, db: Db, n: number, users: number) {
  // BENCH_VERBOSE=1: the import's own progress lines (each phase's rate and time) on stderr.
  const quiet = new Progress(
    Object.assign(Object.create(process.stderr), { isTTY: false, ...(process.env.BENCH_VERBOSE === '1' ? {} : { write: () => true }) }),
  );
  const prefix = `s${n}u`;
  let started = performance.now();
  const files = await writeFiles(dir, users, prefix);
  console.log(
    `\n${fmt(users)} users from an Auth0 file: ${(statSync(files.json).size / 2 ** 20).toFixed(0)} MiB, written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const poolId = newId();
  await db.query(
    `insert into user_pools (id, name, type, source, config, settings, position, enabled, created_at, updated_at)
     values ($1, $2, 'EXTERNAL', 'auth0', '{}', $3, $4, true, now(), now())`,
    [
      poolId,
      `Auth0 export ${n}`,
      JSON.stringify({ syncUserAttributes: false, jitMigration: true, tenantResolution: { mode: 'PREDEFINED', tenantId: null } }),
      1000 + n,
    ],
  );
  const run = async (label: string): Promise<number> => {
    statements.take();
    started = performance.now();
    const { result, rss } = await sampled<FileImportResult>(() =>
      importFile(app.database.orm.em.fork(), { poolId, file: files.json, format: 'auth0', dryRun: false }, quiet),
    );
    // +1: the pool lookup goes through the ORM.
    return printRun(label, users, { seconds: (performance.now() - started) / 1000, statements: statements.take() + 1, rss, counts: result.counts });
  };
  const empty = await run('into an empty pool');
  const again = await run('again, all unchanged');
  const { plain } = await copyFloor(db, files.csv, users);
  console.log(`  import / floor: ${(empty / plain).toFixed(2)} into an empty pool, ${(again / plain).toFixed(2)} all unchanged`);
  if (process.env.BENCH_KEEP !== '1') rmSync(files.csv);
}

async function main(): Promise<void> {
  console.log(machineLine());
  const dir = mkdtempSync(join(os.tmpdir(), 'tributary-bench-import-'));
  chmodSync(dir, 0o755); // COPY reads the CSV as the server's own user
  const database = `bench_import_${process.pid}`;
  await onServer(ADMIN_URL, `create database ${database}`);
  const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();
  const { app, adminKey } = await startBenchApp(url, { sources: [syntheticSource] });
  try {
    const db = await nativeDb(app);
    // The source's users all join one tenant (as a pool of one customer's users would), a tenth of them with a role.
    await gql(app.url, adminKey, 'mutation($input: CreateTenantInput!) { createTenant(input: $input) { id } }', { input: { id: 'bench', name: 'Bench' } });
    for (const key of SYNTHETIC_ROLE_KEYS)
      await gql(app.url, adminKey, 'mutation($input: CreateRoleInput!) { createRole(input: $input) { id } }', { input: { key, name: key } });
    const statements = await countStatements(db);
    try {
      for (const [n, users] of SIZES.entries()) {
        if (PARTS.includes('source')) await sourceImport(app.url, adminKey, statements, dir, db, n, users);
        if (PARTS.includes('file')) await fileImport(app, statements, dir, db, n, users);
      }
    } finally {
      statements.restore();
    }
  } finally {
    await app.close();
    await onServer(ADMIN_URL, `drop database if exists ${database} with (force)`).catch(() => undefined);
    if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

await main();
// What keeps the loop alive after the app closed (pg's idle timers, pg-boss's) is not the benchmark's to wait for.
if (process.env.BENCH_VERBOSE === '1') console.error('still active at the end:', process.getActiveResourcesInfo().join(', ') || 'nothing');
process.exit(0);
