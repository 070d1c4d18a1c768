// `pnpm bench sign-in-prehooks`: what prehooks add to a sign-in. POST /auth/sign-in of local users with no
// prehook, then with two trivial ones (beforeSignIn and beforeTokenIssue, both warm), alternating in rounds
// so drift (argon2id dominates a local sign-in) hits both alike. Target: two prehooks < 2 ms p50 slower.
// App and load generator share one process, as in `pnpm bench sign-in`.
//
// Env: BENCH_DATABASE_URL / DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_ROUNDS (8),
// BENCH_PER_ROUND (75 sign-ins per scenario and round), BENCH_WARMUP (30).
import { performance } from 'node:perf_hooks';
import type { RunningApp } from '../core/src/app.js';
import { createDatabase } from '../test/support/databases.js';
import { gql, machineLine, percentile, startBenchApp } from './support/app.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 75);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 30);
const USERS = 10;
const PASSWORD = 'Bench-passw0rd!';
const TARGET_MS = 2;

const PREHOOKS = [
  { name: 'block a domain', event: 'beforeSignIn', code: 'export default async (e) => e.email.endsWith("@blocked.test") ? { deny: "blocked" } : undefined;' },
  { name: 'plan claim', event: 'beforeTokenIssue', code: 'export default async (e) => ({ claims: { plan: e.user.metadata.plan ?? "free" } });' },
];

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as never;

async function signIn(url: string, email: string, expectPlan: boolean): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const body = (await response.json()) as { access_token?: string };
  const ms = performance.now() - started;
  if (response.status !== 200 || !body.access_token) throw new Error(`sign-in of ${email}: HTTP ${response.status} ${JSON.stringify(body)}`);
  // Proof the prehooks ran (or did not): the claim the second one adds.
  if ('plan' in claimsOf(body.access_token) !== expectPlan) throw new Error(`the plan claim is ${expectPlan ? 'missing' : 'present'}`);
  return ms;
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

async function main(): Promise<void> {
  console.log(machineLine());
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createDatabase(adminUrl, 'trb_bench');
  let app: RunningApp | undefined;
  try {
    const started = await startBenchApp(database.url);
    app = started.app;
    const adminKey = started.adminKey;
    const url = app.url;
    const admin = <T>(query: string, variables?: Record<string, unknown>) => gql<T>(url, adminKey, query, variables);
    const email = (i: number) => `bench-${i % USERS}@bench.test`;
    for (let i = 0; i < USERS; i++)
      await admin('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { email: email(i), password: PASSWORD } });
    const ids: string[] = [];
    for (const input of PREHOOKS)
      ids.push(
        (await admin<{ createPrehook: { id: string } }>('mutation($input: CreatePrehookInput!) { createPrehook(input: $input) { id } }', { input }))
          .createPrehook.id,
      );
    // Enabling and disabling goes through the admin API, which refreshes this node's prehook cache at once.
    const setEnabled = async (enabled: boolean) => {
      for (const id of ids)
        await admin('mutation($id: ID!, $enabled: Boolean!) { updatePrehook(id: $id, input: { enabled: $enabled }) { id } }', { id, enabled });
    };

    const times = { none: [] as number[], two: [] as number[] };
    let n = 0;
    for (const enabled of [false, true]) {
      await setEnabled(enabled);
      for (let i = 0; i < WARMUP; i++) await signIn(url, email(n++), enabled);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const enabled of round % 2 ? [true, false] : [false, true]) {
        await setEnabled(enabled);
        for (let i = 0; i < PER_ROUND; i++) (enabled ? times.two : times.none).push(await signIn(url, email(n++), enabled));
      }
      process.stdout.write(`  round ${round + 1}/${ROUNDS} done\n`);
    }
    const runs = await admin<{ prehookRuns: { durationMs: number; ok: boolean }[] }>(
      'query($id: ID!) { prehookRuns(prehookId: $id, first: 100) { durationMs ok } }',
      { id: ids[1] },
    );
    const calls = summary(runs.prehookRuns.map((run) => run.durationMs));

    const none = summary(times.none);
    const two = summary(times.two);
    const row = (label: string, s: ReturnType<typeof summary>) =>
      `${label.padEnd(46)} n ${String(s.n).padStart(5)}  p50 ${s.p50.toFixed(2).padStart(7)} ms  p99 ${s.p99.toFixed(2).padStart(7)} ms`;
    console.log(`\nPOST /auth/sign-in, local users, sequential, keep-alive; ${ROUNDS} alternating rounds of ${PER_ROUND}`);
    console.log(row('no prehooks', none));
    console.log(row('two prehooks (beforeSignIn, beforeTokenIssue)', two));
    console.log(`beforeTokenIssue call in the sandbox (run log, last ${calls.n}): p50 ${calls.p50.toFixed(3)} ms, p99 ${calls.p99.toFixed(3)} ms`);
    const delta = two.p50 - none.p50;
    console.log(`two prehooks cost p50 ${delta.toFixed(2)} ms per sign-in: target < ${TARGET_MS} ms ${delta < TARGET_MS ? 'met' : 'NOT met'}`);
  } finally {
    await app?.close();
    await database.drop();
  }
}

await main();
