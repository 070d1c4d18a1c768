// `pnpm bench saturation`: throughput at saturation. The server, the directory peers and, for every run, the load
// generator (autocannon) are processes of their own; c = 1, 2, 4, 8, 16 connections for local sign-ins, sign-ins
// of users migrated by JIT, sign-ins of a pool that syncs attributes, and refresh-token grants (each connection
// rotating its own chain). Prints, per run: answers per second, p50/p99, errors and non-2xx, and the CPU per request
// of the server, of PostgreSQL (the backends serving the server's database, from /proc) and of the load generator;
// the server's resident memory idle and under load; the argon2id limit of this machine measured in the same run
// with the same library (as many concurrent verifies as cores), and local sign-ins/s ÷ that limit.
// Targets: local sign-in ≥ 0.8 × the limit at c = 8; refresh ≥ 500 grants/s per vCPU; RSS ≤ 250 MB idle, ≤ 400 MB
// under load. Not a test: it runs only when asked.
//
// Env: BENCH_DATABASE_URL / DATABASE_URL (a server that may create databases; default postgres://postgres@127.0.0.1:5432/postgres),
// BENCH_SECONDS (5 per run), BENCH_WARMUP_SECONDS (1 per scenario), BENCH_CONCURRENCIES (1,2,4,8,16), BENCH_USERS (64 per scenario),
// BENCH_SCENARIOS (words matching scenario names, e.g. `refresh`; all by default), BENCH_PROFILE (a directory: a V8 CPU
// profile of the server per run, `<scenario>-c<c>.cpuprofile`; summarise one with `pnpm bench profile-summary <file>`),
// BENCH_RATE (requests/s across the connections of a run; unset: as fast as the server answers). On a shared machine a
// fixed rate below saturation compares CPU per request between two builds: at saturation the server batches more
// requests per event-loop turn the faster it runs, so CPU per request moves with whatever else the machine does.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { hashPassword, verifyArgon2 } from '@tributary/core';
import { directorySource } from '../test/fixtures/directory-source.js';
import { connectClient, createDatabase } from '../test/support/databases.js';
import { gql, machineLine } from './support/app.js';
import { runLoad, type LoadResult, type LoadSpec } from './support/load.js';
import { startPeerProcess, type PeerProcess } from './support/peers.js';
import { cpuMs, cpuMsByThread, rssMb, threadsNamed } from './support/proc.js';
import { jsonPoster, startServerProcess, type ServerProcess } from './support/server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const CONCURRENCIES = (process.env.BENCH_CONCURRENCIES ?? '1,2,4,8,16').split(',').map(Number);
const USERS = Number(process.env.BENCH_USERS ?? 64);
const ONLY = process.env.BENCH_SCENARIOS?.split(',').filter(Boolean);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const RATE = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
const CORES = availableParallelism();
const PASSWORD = 'Bench-passw0rd!';
const TARGETS = { localRatioAt8: 0.8, refreshPerVcpu: 500, idleRssMb: 250, loadRssMb: 400 };

const CREATE_POOL = 'mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }';
const TEST_POOL = 'mutation($id: ID!) { testUserPoolConnection(id: $id) { ok message } }';
const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }';

/**
 * The machine's argon2id capacity: verifies per second with one verify in flight per core, in this process; and
 * the CPU one verify costs (this process's CPU over the same window), which shared-machine noise barely moves.
 */
const verifyCpuMs: number[] = [];
async function argon2Limit(seconds = 3): Promise<number> {
  const hash = await hashPassword(PASSWORD);
  let count = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (performance.now() - started < seconds * 1000) {
      if (!(await verifyArgon2(hash, PASSWORD))) throw new Error('argon2 verify refused the right password');
      count++;
    }
  };
  await Promise.all(Array.from({ length: CORES }, worker));
  const rate = count / ((performance.now() - started) / 1000);
  const { user, system } = process.cpuUsage(cpu);
  verifyCpuMs.push((user + system) / 1000 / count);
  return rate;
}

/** In parallel, at most `width` at a time. */
async function each<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

interface Row {
  scenario: string;
  c: number;
  load: LoadResult;
  server: number;
  /** null when PostgreSQL's processes are not visible in this /proc (another host or container). */
  postgres: number | null;
  peer: number | null;
  peakRss: number;
  /** The server's CPU per request by thread name (main: JavaScript; libuv-worker: hashes; V8 helpers: GC, compiler). */
  threads: Map<string, number>;
}

async function main(): Promise<void> {
  console.log(machineLine());
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createDatabase(adminUrl, 'trb_bench');
  let server: ServerProcess | undefined;
  let peers: PeerProcess | undefined;
  let monitor: Awaited<ReturnType<typeof connectClient>> | undefined;
  try {
    peers = await startPeerProcess(['jit', 'sync']);
    server = await startServerProcess(database.url, [`${new URL('../test/fixtures/directory-source.ts', import.meta.url).href}#directorySource`]);
    const rssAtStart = rssMb(server.pid);
    const { url, adminKey } = server;
    const admin = <T>(query: string, variables: Record<string, unknown>) => gql<T>(url, adminKey, query, variables);
    const post = jsonPoster(url, 4);
    const signIn = async (email: string) => {
      const response = await post('/auth/sign-in', { email, password: PASSWORD });
      if (response.status !== 200) throw new Error(`sign-in of ${email}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
      return JSON.parse(response.body) as { refresh_token: string };
    };

    // The JIT pool comes first in sign-in order; the synced pool's users are unknown to it.
    const createPool = async (name: string, config: Record<string, unknown>, settings: Record<string, unknown>) => {
      const input = { name, type: 'EXTERNAL', source: directorySource.key, config, settings };
      const { id } = (await admin<{ createUserPool: { id: string } }>(CREATE_POOL, { input })).createUserPool;
      const test = (await admin<{ testUserPoolConnection: { ok: boolean; message: string } }>(TEST_POOL, { id })).testUserPoolConnection;
      if (!test.ok) throw new Error(`pool ${name}: connection test failed: ${test.message}`);
    };
    await createPool('Legacy (JIT)', peers.configs.jit!, { jitMigration: true });
    await createPool('Legacy (sync)', peers.configs.sync!, { syncUserAttributes: true });

    const emails = (prefix: string) => Array.from({ length: USERS }, (_, i) => `${prefix}-${i}@bench.test`);
    const local = emails('local');
    const migrated = emails('migrated');
    const synced = emails('synced');
    await each(local, 4, (email) => admin(CREATE_USER, { input: { email, password: PASSWORD } }));
    await peers.addUsers(
      'jit',
      migrated.map((email, i) => ({ email, password: PASSWORD, name: `Migrated ${i}` })),
    );
    await peers.addUsers(
      'sync',
      synced.map((email, i) => ({ email, password: PASSWORD, name: `Synced ${i}`, roles: ['member'] })),
    );
    // The first sign-in migrates a JIT user and creates a synced one: the runs measure the sign-ins after.
    await each([...migrated, ...synced], 4, signIn);
    const rssIdle = rssMb(server.pid);
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    const memory = await server.memory();
    console.log(`seeded: ${USERS} users per scenario (local, migrated by JIT, synced)`);
    console.log(
      `server idle: RSS ${rssAtStart.toFixed(0)} MB at start, ${rssIdle.toFixed(0)} MB after seeding (JS heap ${mb(memory.heapUsed)} used of ${mb(memory.heapTotal)}, ` +
        `external ${mb(memory.external)}); libuv pool ${threadsNamed(server.pid, 'libuv-worker')} threads`,
    );

    monitor = await connectClient(database.url);
    const backends = async (): Promise<number[]> =>
      (await monitor!.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()')).rows.map(
        (row) => row.pid,
      );

    // The machine is shared and its speed drifts: the limit is measured right before and right after the local runs.
    const limitBefore = await argon2Limit();
    console.log(`argon2id limit (OWASP: 19 MiB, t=2, p=1; @node-rs/argon2, ${CORES} concurrent verifies): ${limitBefore.toFixed(1)} verifies/s`);
    let limitAfter = NaN;

    // A chain per connection: a fresh sign-in's refresh token each.
    let nextChain = 0;
    const chains = async (count: number) => {
      const tokens: string[] = [];
      for (let i = 0; i < count; i++) tokens.push((await signIn(local[nextChain++ % USERS]!)).refresh_token);
      return tokens;
    };
    type Scenario = { name: string; spec: (c: number) => Promise<Omit<LoadSpec, 'url' | 'connections' | 'seconds'>>; peer: boolean };
    const all: Scenario[] = [
      { name: 'local sign-in', spec: async () => ({ kind: 'sign-in', emails: local, password: PASSWORD }), peer: false },
      { name: 'migrated sign-in', spec: async () => ({ kind: 'sign-in', emails: migrated, password: PASSWORD }), peer: false },
      { name: 'synced sign-in', spec: async () => ({ kind: 'sign-in', emails: synced, password: PASSWORD }), peer: true },
      { name: 'refresh grant', spec: async (c) => ({ kind: 'refresh', tokens: await chains(c) }), peer: false },
    ];
    const scenarios = all.filter((scenario) => !ONLY || ONLY.some((word) => scenario.name.includes(word)));

    const run = async (scenario: (typeof scenarios)[number], c: number, seconds: number, profile = false): Promise<Row> => {
      const spec = { url, connections: c, seconds, ...(RATE ? { rate: RATE } : {}), ...(await scenario.spec(c)) } as LoadSpec;
      const pidsBefore = await backends();
      const profiling = profile && PROFILE_DIR ? await server!.profile() : undefined;
      let start = { server: 0, peer: 0, postgres: new Map<number, number>(), threads: new Map<string, number>() };
      let peakRss = 0;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(server!.pid))), 200);
      try {
        const load = await runLoad(spec, () => {
          start = {
            server: cpuMs(server!.pid),
            peer: cpuMs(peers!.pid),
            postgres: new Map(pidsBefore.map((pid) => [pid, cpuMs(pid)])),
            threads: cpuMsByThread(server!.pid),
          };
        });
        const serverCpu = cpuMs(server!.pid) - start.server;
        const threadsAfter = cpuMsByThread(server!.pid);
        const peerCpu = cpuMs(peers!.pid) - start.peer;
        // A backend that started during the run counts whole; one that ended during it is lost (rare: the pool keeps them).
        const pidsAfter = await backends();
        const visible = pidsAfter.some((pid) => existsSync(`/proc/${pid}`));
        const postgresCpu = pidsAfter.reduce((sum, pid) => sum + cpuMs(pid) - (start.postgres.get(pid) ?? 0), 0);
        const answers = Math.max(1, load.ok + load.non2xx);
        peakRss = Math.max(peakRss, rssMb(server!.pid));
        await profiling?.stop(join(PROFILE_DIR!, `${scenario.name.replaceAll(' ', '-')}-c${c}.cpuprofile`));
        return {
          scenario: scenario.name,
          c,
          load,
          server: serverCpu / answers,
          postgres: visible ? postgresCpu / answers : null,
          peer: scenario.peer ? peerCpu / answers : null,
          peakRss,
          threads: new Map([...threadsAfter].map(([name, ms]) => [name, (ms - (start.threads.get(name) ?? 0)) / answers])),
        };
      } finally {
        clearInterval(sampler);
      }
    };

    const rows: Row[] = [];
    for (const scenario of scenarios) {
      await run(scenario, 4, WARMUP_SECONDS);
      for (const c of CONCURRENCIES) {
        const row = await run(scenario, c, SECONDS, true);
        rows.push(row);
        console.log(`  ${scenario.name} c=${c}: ${(row.load.ok / row.load.seconds).toFixed(1)}/s`);
      }
      if (scenario.name === 'local sign-in') limitAfter = await argon2Limit();
    }
    const limit = Number.isNaN(limitAfter) ? limitBefore : (limitBefore + limitAfter) / 2;

    const fixed = (value: number | null, digits = 2) => (value === null ? 'n/a' : value.toFixed(digits));
    const table = [
      [
        'scenario',
        'c',
        'answers/s',
        'p50 ms',
        'p99 ms',
        'errors',
        'non-2xx',
        'server ms/req',
        'postgres ms/req',
        'loadgen ms/req',
        'peer ms/req',
        'server RSS MB',
      ],
      ...rows.map((r) => [
        r.scenario,
        String(r.c),
        (r.load.ok / r.load.seconds).toFixed(1),
        r.load.p50.toFixed(1),
        r.load.p99.toFixed(1),
        String(r.load.errors),
        String(r.load.non2xx),
        fixed(r.server),
        fixed(r.postgres),
        fixed(r.load.cpuMs / Math.max(1, r.load.ok + r.load.non2xx)),
        fixed(r.peer),
        r.peakRss.toFixed(0),
      ]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((cells) => cells[i]!.length)));
    console.log(`\n${SECONDS} s per run, keep-alive, after a ${WARMUP_SECONDS} s warm-up per scenario; CPU per answered request, from /proc`);
    for (const cells of table) console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));

    console.log('\nserver CPU per request by thread, ms (main: JavaScript and I/O; libuv-worker: hashes; V8 helpers: GC, compiler)');
    for (const r of rows) {
      const threads = [...r.threads].filter(([, ms]) => ms >= 0.005).sort((a, b) => b[1] - a[1]);
      console.log(`  ${r.scenario} c=${r.c}: ${threads.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ')}`);
    }

    const rate = (scenario: string, c: number) => {
      const row = rows.find((r) => r.scenario === scenario && r.c === c);
      return row ? row.load.ok / row.load.seconds : NaN;
    };
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`\nargon2id limit: ${limit.toFixed(1)} verifies/s (before the local runs ${limitBefore.toFixed(1)}, after them ${limitAfter.toFixed(1)})`);
    for (const scenario of ['local sign-in', 'migrated sign-in', 'synced sign-in'].filter((name) => rows.some((r) => r.scenario === name)))
      console.log(`${scenario}s/s ÷ limit: ${CONCURRENCIES.map((c) => `c=${c} ${(rate(scenario, c) / limit).toFixed(2)}`).join(', ')}`);
    // What the CPU allows whatever the noise: each sign-in costs one verify in the server plus the rest of the
    // server's and PostgreSQL's work; on cores given to the service alone, sign-ins/s ÷ limit tends to their ratio.
    const verifyCpu = verifyCpuMs.reduce((sum, ms) => sum + ms, 0) / verifyCpuMs.length;
    const localRow = rows.find((r) => r.scenario === 'local sign-in' && r.c === 8);
    if (localRow?.postgres != null) {
      const perSignIn = localRow.server + localRow.postgres;
      console.log(
        `CPU per verify ${verifyCpu.toFixed(1)} ms; per local sign-in at c=8: server ${localRow.server.toFixed(1)} ms + PostgreSQL ${localRow.postgres.toFixed(1)} ms ` +
          `= ${perSignIn.toFixed(1)} ms, so on dedicated cores sign-ins/s ÷ limit ≤ ${(verifyCpu / perSignIn).toFixed(2)} (${(1000 / perSignIn).toFixed(0)} sign-ins/s per core)`,
      );
    }
    const localAt8 = rate('local sign-in', 8) / limit;
    if (!Number.isNaN(localAt8))
      console.log(`target local sign-in at c=8 ≥ ${TARGETS.localRatioAt8} × limit: ${localAt8.toFixed(2)} × (${verdict(localAt8 >= TARGETS.localRatioAt8)})`);
    const refreshRows = rows.filter((r) => r.scenario === 'refresh grant');
    if (refreshRows.length) {
      const bestRefresh = Math.max(...refreshRows.map((r) => r.load.ok / r.load.seconds));
      const perVcpu = bestRefresh / CORES;
      const serverCpuPerGrant = Math.min(...refreshRows.map((r) => r.server));
      const serviceCpuPerGrant = Math.min(...refreshRows.map((r) => r.server + (r.postgres ?? 0)));
      console.log(
        `target refresh ≥ ${TARGETS.refreshPerVcpu} grants/s per vCPU: ${perVcpu.toFixed(0)} (best ${bestRefresh.toFixed(0)}/s on ${CORES} vCPUs shared by server, PostgreSQL and load generator; ` +
          `${(1000 / serverCpuPerGrant).toFixed(0)} grants per server CPU-second, ${(1000 / serviceCpuPerGrant).toFixed(0)} per CPU-second of server and PostgreSQL) (${verdict(perVcpu >= TARGETS.refreshPerVcpu)})`,
      );
      const serverPerGrant = refreshRows.map((r) => `c=${r.c} ${r.server.toFixed(2)} + ${fixed(r.postgres)}`).join(', ');
      console.log(`CPU per refresh grant, server + PostgreSQL ms: ${serverPerGrant}`);
      // The issue's figure on a shared machine: what one vCPU given to the server alone would grant.
      console.log(`refresh grants per server CPU-second: ${refreshRows.map((r) => `c=${r.c} ${(1000 / r.server).toFixed(0)}`).join(', ')}`);
    }
    const peak = Math.max(...rows.map((r) => r.peakRss));
    console.log(`target server RSS ≤ ${TARGETS.idleRssMb} MB idle: ${rssIdle.toFixed(0)} MB (${verdict(rssIdle <= TARGETS.idleRssMb)})`);
    console.log(`target server RSS ≤ ${TARGETS.loadRssMb} MB under load: peak ${peak.toFixed(0)} MB (${verdict(peak <= TARGETS.loadRssMb)})`);
  } finally {
    await monitor?.end();
    await server?.close();
    await peers?.close();
    await database.drop();
  }
}

await main();
