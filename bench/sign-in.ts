// `pnpm bench sign-in`: POST /auth/sign-in over HTTP for (a) local users, (b) first sign-ins with JIT migration,
// (c) migrated users, (d) users of a pool that syncs attributes, at concurrency 1 and 2; and the sequential argon2id
// verify rate, since a local sign-in is bounded by one verify per core. The app runs in a process of its own
// (as production does); the load generator and the legacy-directory peers share this one. Besides the latency
// the client sees, each run prints the server's own figure for the pipeline beyond the hash, from the timings
// the server publishes on node:diagnostics_channel `tributary:sign-in`.
//
// Env: BENCH_DATABASE_URL / DATABASE_URL (a server that may create databases; default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_REQUESTS (400 per scenario and concurrency), BENCH_JIT_REQUESTS (same), BENCH_WARMUP (20).
import { performance } from 'node:perf_hooks';
import { hashPassword, verifyArgon2 } from '@tributary/core';
import { startDirectoryPeer, type DirectoryPeer } from '../test/fixtures/directory-peer.js';
import { directorySource } from '../test/fixtures/directory-source.js';
import { connectClient, createDatabase } from '../test/support/databases.js';
import { gql, machineLine, percentile } from './support/app.js';
import { jsonPoster, startServerProcess, type ServerProcess } from './support/server.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400);
const JIT_REQUESTS = Number(process.env.BENCH_JIT_REQUESTS ?? REQUESTS);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
// Requests cycle through a few users per scenario, so rows and caches are not all one user's.
const USERS = 20;
// Warm-up signs every cycled user in once: for (d) that first sign-in is what creates the user.
const WARM = Math.max(WARMUP, USERS);
const PASSWORD = 'Bench-passw0rd!';
const CONCURRENCIES = [1, 2] as const;

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as never;

async function argon2Rate(): Promise<{ perSecond: number; p50: number }> {
  const hash = await hashPassword(PASSWORD);
  for (let i = 0; i < 5; i++) await verifyArgon2(hash, PASSWORD);
  const times: number[] = [];
  const started = performance.now();
  while (performance.now() - started < 3000) {
    const t = performance.now();
    if (!(await verifyArgon2(hash, PASSWORD))) throw new Error('argon2 verify refused the right password');
    times.push(performance.now() - t);
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { perSecond: times.length / seconds, p50: percentile(times, 0.5) };
}

/**
 * The machine is shared and its speed drifts, so the hash baseline is taken in the same window as
 * the sign-ins: rounds of one argon2id verify then one local sign-in, the overhead per round paired.
 */
async function paired(post: Post, email: string, rounds: number): Promise<{ hash: number; signIn: number; overhead: number }> {
  const hash = await hashPassword(PASSWORD);
  const hashes: number[] = [];
  const signIns: number[] = [];
  const overheads: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await verifyArgon2(hash, PASSWORD);
    const verify = performance.now() - t;
    const { ms } = await signIn(post, email);
    hashes.push(verify);
    signIns.push(ms);
    overheads.push(ms - verify);
  }
  const p50 = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      0.5,
    );
  return { hash: p50(hashes), signIn: p50(signIns), overhead: p50(overheads) };
}

/**
 * What this machine's PostgreSQL costs a sign-in before any application code: after an argon2id verify (as in
 * a sign-in, which leaves the caches cold), one bare read round trip and one bare durable one-row insert, on a
 * plain `pg` client with prepared statements. A sign-in needs at least one of each (checked-for user and throttle
 * state before the hash, refresh token and audit event after it).
 */
async function databaseFloor(databaseUrl: string, rounds: number): Promise<{ read: number; write: number }> {
  const client = await connectClient(databaseUrl);
  try {
    await client.query('create table bench_floor (id int not null, at timestamptz not null default now())');
    const hash = await hashPassword(PASSWORD);
    const reads: number[] = [];
    const writes: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await verifyArgon2(hash, PASSWORD);
      let t = performance.now();
      await client.query({ name: 'floor_read', text: 'select 1' });
      reads.push(performance.now() - t);
      await verifyArgon2(hash, PASSWORD);
      t = performance.now();
      await client.query({ name: 'floor_write', text: 'insert into bench_floor (id) values ($1)', values: [i] });
      writes.push(performance.now() - t);
    }
    const p50 = (values: number[]) =>
      percentile(
        values.sort((a, b) => a - b),
        0.5,
      );
    return { read: p50(reads), write: p50(writes) };
  } finally {
    await client.end();
  }
}

type Run = Awaited<ReturnType<typeof load>>;
type Emails = (concurrency: number) => Record<'warm' | 'run', (i: number) => string>;
const CREATE_POOL = 'mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }';
const TEST_POOL = 'mutation($id: ID!) { testUserPoolConnection(id: $id) { ok message } }';
const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }';

type Post = ReturnType<typeof jsonPoster>;

async function signIn(post: Post, email: string): Promise<{ ms: number; pool: unknown }> {
  const started = performance.now();
  const response = await post('/auth/sign-in', { email, password: PASSWORD });
  const ms = performance.now() - started;
  const body = (() => {
    try {
      return JSON.parse(response.body) as { access_token?: string };
    } catch {
      return {};
    }
  })();
  if (response.status !== 200 || typeof body.access_token !== 'string')
    throw new Error(`sign-in of ${email}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
  return { ms, pool: claimsOf(body.access_token).pool };
}

/** `peerCalls`: authenticate calls the peer received per request; `wrongPool`: tokens naming another pool than expected. */
async function load(
  server: ServerProcess,
  post: Post,
  label: string,
  count: number,
  concurrency: number,
  emailOf: (i: number) => string,
  pool: string,
  peer: DirectoryPeer,
) {
  const times: number[] = [];
  let next = 0;
  let wrongPool = 0;
  const calls = peer.calls;
  await server.signInTimings();
  const started = performance.now();
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const result = await signIn(post, emailOf(i));
      times.push(result.ms);
      if (result.pool !== pool) wrongPool++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const n = times.length;
  const beyondHash = (await server.signInTimings()).map((timing) => timing.totalMs - timing.hashMs).sort((a, b) => a - b);
  return {
    label,
    concurrency,
    n,
    perSecond: n / seconds,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    serverBeyondHash: percentile(beyondHash, 0.5),
    peerCalls: (peer.calls - calls) / n,
    wrongPool,
  };
}

async function main(): Promise<void> {
  console.log(machineLine());
  const argon2 = await argon2Rate();
  console.log(`argon2id verify (OWASP: 19 MiB, t=2, p=1), sequential on one core: ${argon2.perSecond.toFixed(1)} verifies/s, p50 ${argon2.p50.toFixed(1)} ms`);

  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createDatabase(adminUrl, 'trb_bench');
  const peers: DirectoryPeer[] = [];
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(database.url, [`${new URL('../test/fixtures/directory-source.ts', import.meta.url).href}#directorySource`]);
    const { url, adminKey } = server;
    const post = jsonPoster(url, Math.max(...CONCURRENCIES));
    const admin = <T>(query: string, variables: Record<string, unknown>) => gql<T>(url, adminKey, query, variables);

    // Two directories, so the JIT pool (first in sign-in order) never claims the synced pool's users.
    const [jitPeer, syncPeer] = await Promise.all([startDirectoryPeer(), startDirectoryPeer()]);
    peers.push(jitPeer, syncPeer);
    const createPool = async (name: string, peer: DirectoryPeer, settings: Record<string, unknown>): Promise<string> => {
      const input = { name, type: 'EXTERNAL', source: directorySource.key, config: peer.config(), settings };
      const { id } = (await admin<{ createUserPool: { id: string } }>(CREATE_POOL, { input })).createUserPool;
      const test = (await admin<{ testUserPoolConnection: { ok: boolean; message: string } }>(TEST_POOL, { id })).testUserPoolConnection;
      if (!test.ok) throw new Error(`pool ${name}: connection test failed: ${test.message}`);
      return id;
    };
    const jitPool = await createPool('Legacy (JIT)', jitPeer, { jitMigration: true });
    const syncPool = await createPool('Legacy (sync)', syncPeer, { syncUserAttributes: true });

    const local = (i: number) => `local-${i % USERS}@bench.test`;
    for (let i = 0; i < USERS; i += 2) {
      const create = (email: string) => admin(CREATE_USER, { input: { email, password: PASSWORD } });
      await Promise.all([create(local(i)), create(local(i + 1))]);
    }
    const jit = (c: number, phase: string) => (i: number) => `jit-${c}-${phase}-${i}@bench.test`;
    for (const c of CONCURRENCIES) {
      for (let i = 0; i < WARM; i++) jitPeer.addUser({ email: jit(c, 'warm')(i), password: PASSWORD, name: `JIT ${i}` });
      for (let i = 0; i < JIT_REQUESTS; i++) jitPeer.addUser({ email: jit(c, 'run')(i), password: PASSWORD, name: `JIT ${i}` });
    }
    const synced = (i: number) => `synced-${i % USERS}@bench.test`;
    for (let i = 0; i < USERS; i++) syncPeer.addUser({ email: synced(i), password: PASSWORD, name: `Synced ${i}`, roles: ['member'] });
    console.log(`seeded: ${USERS} local users, ${CONCURRENCIES.length * (WARM + JIT_REQUESTS)} users at the JIT peer, ${USERS} at the synced peer`);

    const runs: Run[] = [];
    const scenario = async (label: string, count: number, pool: string, peer: DirectoryPeer, emails: Emails) => {
      for (const c of CONCURRENCIES) {
        await load(server!, post, label, WARM, c, emails(c).warm, pool, peer);
        runs.push(await load(server!, post, label, count, c, emails(c).run, pool, peer));
        console.log(`  ${label} concurrency ${c}: done`);
      }
    };
    await scenario('(a) local user', REQUESTS, 'local', jitPeer, () => ({ warm: local, run: local }));
    // The single-core baseline again right after (a): the ratios use the mean of both measurements.
    const argon2After = await argon2Rate();
    const pairedRun = await paired(post, local(0), 200);
    const floor = await databaseFloor(database.url, 100);
    await scenario('(b) first sign-in, JIT migration', JIT_REQUESTS, jitPool, jitPeer, (c) => ({ warm: jit(c, 'warm'), run: jit(c, 'run') }));
    // Migrated by (b)'s measured run at concurrency 1.
    const migrated = (i: number) => jit(1, 'run')(i % USERS);
    await scenario('(c) already-migrated user', REQUESTS, 'local', jitPeer, () => ({ warm: migrated, run: migrated }));
    await scenario('(d) synced user (syncUserAttributes)', REQUESTS, syncPool, syncPeer, () => ({ warm: synced, run: synced }));

    const row = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(38) : cell.padStart(i === 6 || i === 7 ? 14 : 10))).join('  ');
    console.log(`\nPOST /auth/sign-in, keep-alive, after ${WARM} warm-up requests per run`);
    console.log(row(['scenario', 'conc.', 'n', 'signins/s', 'p50 ms', 'p99 ms', 'server>hash p50', 'peer calls/req', 'wrong pool']));
    const cells = (r: Run) => [
      r.label,
      r.concurrency,
      r.n,
      r.perSecond.toFixed(1),
      r.p50.toFixed(1),
      r.p99.toFixed(1),
      r.serverBeyondHash.toFixed(2),
      r.peerCalls.toFixed(2),
      r.wrongPool,
    ];
    for (const r of runs) console.log(row(cells(r).map(String)));
    const localAt = (c: number) => runs.find((r) => r.label.startsWith('(a)') && r.concurrency === c)!;
    const rate = (argon2.perSecond + argon2After.perSecond) / 2;
    console.log(
      `\nargon2id single-core verify rate: ${rate.toFixed(1)}/s (before (a) ${argon2.perSecond.toFixed(1)}/s, p50 ${argon2.p50.toFixed(1)} ms; after ${argon2After.perSecond.toFixed(1)}/s, p50 ${argon2After.p50.toFixed(1)} ms)`,
    );
    console.log(`local sign-ins/s at concurrency 2 / (2 × single-core verify rate) = ${(localAt(2).perSecond / (2 * rate)).toFixed(2)}`);
    console.log(`local sign-ins/s at concurrency 1 / single-core verify rate       = ${(localAt(1).perSecond / rate).toFixed(2)}`);
    console.log(
      `pipeline overhead p50, paired (200 rounds of one verify then one sign-in): ${pairedRun.overhead.toFixed(2)} ms (sign-in p50 ${pairedRun.signIn.toFixed(1)} ms, verify p50 ${pairedRun.hash.toFixed(1)} ms)`,
    );
    console.log('  (as the client sees it: includes the HTTP round trip over loopback and the client)');
    console.log(
      `this machine's database floor, after a verify like a sign-in's: bare read round trip p50 ${floor.read.toFixed(2)} ms + bare durable one-row insert p50 ${floor.write.toFixed(2)} ms = ${(floor.read + floor.write).toFixed(2)} ms`,
    );
    const local1 = localAt(1);
    console.log(`pipeline beyond the hash p50, in the server, (a) at concurrency 1: ${local1.serverBeyondHash.toFixed(2)} ms (target < 2 ms)`);
    console.log(
      'server>hash: the server’s own time for a sign-in minus its time hashing (diagnostics_channel tributary:sign-in); for (b) and (d) it includes the source call.',
    );
    console.log('peer calls/req: expected 0 for (a) and (c), 1 for (b) and (d). wrong pool: access tokens whose `pool` claim was not the expected one.');
  } finally {
    await server?.close();
    await Promise.all(peers.map((peer) => peer.close()));
    await database.drop();
  }
}

await main();
