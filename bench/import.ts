// `pnpm bench import [--million]`: an Auth0 bulk-import file of 100,000 users (and, with --million, of 1,000,000;
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
import { createOrm, importFile, newId, Progress, type FileImportResult } from '@tributary/core';
import { machineLine, startBenchApp } from './support/app.js';

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
async function sampled<T>(work: () => Promise<T>): Promise<{ result: T; rss: { start: number; peak: number; end: number } }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  try {
    const result = await work();
    const end = process.memoryUsage.rss();
    return { result, rss: { start, peak: Math.max(peak, end), end } };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  console.log(machineLine());
  const dir = mkdtempSync(join(os.tmpdir(), 'tributary-bench-import-'));
  chmodSync(dir, 0o755); // COPY reads the CSV as the server's own user
  const database = `bench_import_${process.pid}`;
  await onServer(ADMIN_URL, `create database ${database}`);
  const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();
  const { app } = await startBenchApp(url);
  try {
    const pool = await app.database.orm.em.fork().getConnection().getNativeClient();
    // Every statement of the import goes through a pg client's query (the pool lookup goes through the ORM: +1).
    let statements = 0;
    const probe = await pool.connect();
    const proto = Object.getPrototypeOf(probe) as { query: (...args: unknown[]) => unknown };
    probe.release();
    const query = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]) {
      statements++;
      return query.apply(this, args);
    };
    // BENCH_VERBOSE=1: the import's own progress lines (each phase's rate and time) on stderr.
    const quiet = new Progress(
      Object.assign(Object.create(process.stderr), { isTTY: false, ...(process.env.BENCH_VERBOSE === '1' ? {} : { write: () => true }) }),
    );

    for (const [n, users] of SIZES.entries()) {
      const prefix = `s${n}u`;
      let started = performance.now();
      const files = await writeFiles(dir, users, prefix);
      console.log(
        `\n${fmt(users)} users: file ${(statSync(files.json).size / 2 ** 20).toFixed(0)} MiB, written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      const poolId = newId();
      await pool.query(
        `insert into user_pools (id, name, type, source, config, settings, position, enabled, created_at, updated_at)
         values ($1, $2, 'EXTERNAL', 'auth0', '{}', $3, $4, true, now(), now())`,
        [
          poolId,
          `Auth0 export ${n}`,
          JSON.stringify({ syncUserAttributes: false, jitMigration: true, tenantResolution: { mode: 'PREDEFINED', tenantId: null } }),
          n + 1,
        ],
      );

      const run = async (label: string): Promise<number> => {
        statements = 0;
        started = performance.now();
        const { result, rss } = await sampled<FileImportResult>(() =>
          importFile(app.database.orm.em.fork(), { poolId, file: files.json, format: 'auth0', dryRun: false }, quiet),
        );
        const seconds = (performance.now() - started) / 1000;
        const { created, updated, unchanged, conflict } = result.counts;
        console.log(
          `  ${label}: ${fmt(users / seconds)} users/s end to end (${seconds.toFixed(1)} s), ${((1000 * (statements + 1)) / users).toFixed(2)} statements per 1,000 users, ` +
            `RSS start ${mib(rss.start)} / peak ${mib(rss.peak)} / end ${mib(rss.end)}, load average ${load()}; ` +
            `created ${fmt(created)}, updated ${fmt(updated)}, unchanged ${fmt(unchanged)}, conflicts ${fmt(conflict)}`,
        );
        return users / seconds;
      };
      const empty = await run('into an empty pool');
      const again = await run('again, all unchanged');

      // The floor: COPY of the same rows (server-side file, as the postgres superuser) into a plain table, then into a copy of users with its indexes.
      const copy = async (table: string, like: string): Promise<number> => {
        await pool.query(`create table ${table} (${like})`);
        const begun = performance.now();
        await pool.query(
          `copy ${table} (id, email, status, profile, metadata, external_id, password_hash, created_at, updated_at) from '${files.csv}' with (format csv)`,
        );
        const rate = users / ((performance.now() - begun) / 1000);
        await pool.query(`drop table ${table}`);
        return rate;
      };
      const plain = await copy('copy_floor', 'like users');
      const indexed = await copy('copy_indexed', 'like users including all');
      console.log(
        `  PostgreSQL COPY of the same rows: ${fmt(plain)} rows/s into a plain table (the floor), ${fmt(indexed)} rows/s into a copy of users with its indexes`,
      );
      console.log(`  import / floor: ${(empty / plain).toFixed(2)} into an empty pool, ${(again / plain).toFixed(2)} all unchanged`);
      if (process.env.BENCH_KEEP !== '1') rmSync(files.csv);
    }
    proto.query = query;
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
