// `pnpm bench sign-in-prehooks`: what prehooks add to a sign-in. POST /auth/sign-in of local users with no
// prehook, then with two trivial ones (beforeSignIn and beforeTokenIssue, both warm), alternating in rounds
// so drift (argon2id dominates a local sign-in) hits both alike. Target: two prehooks < 2 ms p50 slower.
// The app runs in a process of its own, as in `pnpm bench sign-in`; besides the client's latency, the server's own
// time beyond the hash (diagnostics_channel `tributary:sign-in`) is compared, which the hash's drift does not touch.
//
// Env: BENCH_DATABASE_URL / DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_ROUNDS (8),
// BENCH_PER_ROUND (75 sign-ins per scenario and round), BENCH_WARMUP (30).
import { performance } from 'node:perf_hooks';
import { createDatabase } from '../test/support/databases.js';
import { gql, machineLine, percentile } from './support/app.js';
import { jsonPoster, startServerProcess, type ServerProcess } from './support/server.js';

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

async function signIn(post: ReturnType<typeof jsonPoster>, email: string, expectPlan: boolean): Promise<number> {
  const started = performance.now();
  const response = await post('/auth/sign-in', { email, password: PASSWORD });
  const ms = performance.now() - started;
  const body = JSON.parse(response.body) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`sign-in of ${email}: HTTP ${response.status} ${response.body}`);
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
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(database.url);
    const { url, adminKey } = server;
    const post = jsonPoster(url, 1);
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
    const beyondHash = { none: [] as number[], two: [] as number[] };
    let n = 0;
    for (const enabled of [false, true]) {
      await setEnabled(enabled);
      for (let i = 0; i < WARMUP; i++) await signIn(post, email(n++), enabled);
    }
    await server.signInTimings();
    for (let round = 0; round < ROUNDS; round++) {
      for (const enabled of round % 2 ? [true, false] : [false, true]) {
        await setEnabled(enabled);
        for (let i = 0; i < PER_ROUND; i++) (enabled ? times.two : times.none).push(await signIn(post, email(n++), enabled));
        (enabled ? beyondHash.two : beyondHash.none).push(...(await server.signInTimings()).map((timing) => timing.totalMs - timing.hashMs));
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
    const serverNone = summary(beyondHash.none);
    const serverTwo = summary(beyondHash.two);
    console.log(row('in the server, beyond the hash: no prehooks', serverNone));
    console.log(row('in the server, beyond the hash: two prehooks', serverTwo));
    const delta = two.p50 - none.p50;
    const serverDelta = serverTwo.p50 - serverNone.p50;
    console.log(
      `two prehooks cost p50 ${delta.toFixed(2)} ms per sign-in as the client sees it, ${serverDelta.toFixed(2)} ms in the server's own time beyond the hash`,
    );
    // Judged on the server's figure: the client's includes two p50s of a ~22 ms hash that drifts by a millisecond between rounds.
    console.log(`target < ${TARGET_MS} ms (server's figure): ${serverDelta < TARGET_MS ? 'met' : 'NOT met'}`);
  } finally {
    await server?.close();
    await database.drop();
  }
}

await main();
