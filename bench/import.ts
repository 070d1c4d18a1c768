// `pnpm bench import`: an Auth0 bulk-import file of BENCH_USERS users (default 1,000,000, one per line) with bcrypt
// hashes, imported by the same code as `pnpm tributary import` into an empty pool, then again into the pool that
// now holds them (all unchanged). Prints users/s end to end (both passes: format detection and write), the
// process's peak RSS, statements per 1,000 users, and, as the floor, PostgreSQL's COPY of the same rows into a
// copy of the users table (indexes included) in the same run.
//
// Every user has the same bcrypt hash (varied emails and ids): the import never computes a hash, it only names
// each one's format (a regex and a bounds check), so one hash costs the import what a million distinct ones
// would, while making a million at cost 10 would take about 20 hours.
//
// Env: BENCH_DATABASE_URL / DATABASE_URL (a server that may create databases; default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_USERS, BENCH_KEEP=1 keeps the database and the file.
import { chmodSync, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createOrm, importFile, newId, Progress, type FileImportResult } from '@tributary/core';
import { machineLine, startBenchApp } from './support/app.js';

const USERS = Number(process.env.BENCH_USERS ?? 1_000_000);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// bcrypt (cost 10) of "bench-password", made once with @node-rs/bcrypt.
const HASH = '$2b$10$Alpu76vRgy/vzHqNyT/5vuU87FLch3v3vLW.KZ/VyJWxlcqW0JKyi';
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

async function onServer(url: string, sql: string): Promise<void> {
  const orm = await createOrm({ url, poolSize: 1 });
  try {
    await (await orm.em.fork().getConnection().getNativeClient()).query(sql);
  } finally {
    await orm.close();
  }
}

/** The file, streamed out (respecting back-pressure), and the same rows as CSV for COPY. */
async function writeFiles(dir: string): Promise<{ json: string; csv: string }> {
  const json = createWriteStream(join(dir, 'users.json'));
  const csv = createWriteStream(join(dir, 'copy.csv'));
  const write = async (stream: NodeJS.WritableStream, text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  await write(json, '[\n');
  for (let i = 0; i < USERS; i++) {
    const user = {
      email: `user${i}@bench.test`,
      email_verified: i % 3 === 0,
      user_id: `auth0|${i}`,
      name: `User ${i}`,
      app_metadata: { plan: i % 2 ? 'pro' : 'free' },
      password_hash: HASH,
    };
    await write(json, `${JSON.stringify(user)}${i + 1 < USERS ? ',' : ''}\n`);
    const profile = JSON.stringify({ name: user.name, email_verified: user.email_verified }).replaceAll('"', '""');
    const metadata = JSON.stringify(user.app_metadata).replaceAll('"', '""');
    await write(csv, `${newId()},${user.email},ACTIVE,"${profile}","${metadata}",${user.user_id},${HASH},now,now\n`);
  }
  await write(json, ']\n');
  json.end();
  csv.end();
  await Promise.all([once(json, 'finish'), once(csv, 'finish')]);
  return { json: join(dir, 'users.json'), csv: join(dir, 'copy.csv') };
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
    let started = performance.now();
    const files = await writeFiles(dir);
    console.log(
      `file: ${fmt(USERS)} users, ${(statSync(files.json).size / 2 ** 20).toFixed(0)} MiB, written in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const em = app.database.orm.em.fork();
    const pool = await em.getConnection().getNativeClient();
    const poolId = newId();
    await pool.query(
      `insert into user_pools (id, name, type, source, config, settings, position, enabled, created_at, updated_at)
       values ($1, 'Auth0 export', 'EXTERNAL', 'auth0', '{}', $2, 1, true, now(), now())`,
      [poolId, JSON.stringify({ syncUserAttributes: false, jitMigration: true, tenantResolution: { mode: 'PREDEFINED', tenantId: null } })],
    );
    // Every statement of the import goes through this pool's query (the pool lookup goes through the ORM: +1).
    let statements = 0;
    const query = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof query>) => {
      statements++;
      return query(...args);
    }) as typeof pool.query;

    const quiet = new Progress(Object.assign(Object.create(process.stderr), { isTTY: false, write: () => true }));
    const run = async (label: string): Promise<FileImportResult> => {
      statements = 0;
      started = performance.now();
      const result = await importFile(app.database.orm.em.fork(), { poolId, file: files.json, format: 'auth0', dryRun: false }, quiet);
      const seconds = (performance.now() - started) / 1000;
      const { created, updated, unchanged, conflict } = result.counts;
      console.log(
        `${label}: ${fmt(USERS / seconds)} users/s end to end (${seconds.toFixed(1)} s, both passes), ${((1000 * (statements + 1)) / USERS).toFixed(2)} statements per 1,000 users, ` +
          `peak RSS so far ${mib(process.resourceUsage().maxRSS)}; created ${fmt(created)}, updated ${fmt(updated)}, unchanged ${fmt(unchanged)}, conflicts ${fmt(conflict)}`,
      );
      return result;
    };
    await run('into an empty pool');
    await run('again, all unchanged');

    // The floor: COPY of the same rows (server-side file, as the postgres superuser) into a copy of users with its indexes.
    await pool.query('create table copy_floor (like users including all)');
    started = performance.now();
    await pool.query(
      `copy copy_floor (id, email, status, profile, metadata, external_id, password_hash, created_at, updated_at) from '${files.csv}' with (format csv)`,
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`PostgreSQL COPY of the same rows: ${fmt(USERS / seconds)} rows/s (${seconds.toFixed(1)} s)`);
  } finally {
    await app.close();
    await onServer(ADMIN_URL, `drop database if exists ${database} with (force)`).catch(() => undefined);
    if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  }
}

await main();
