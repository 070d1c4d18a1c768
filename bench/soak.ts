// `pnpm bench soak --minutes N` (default 10): the server in its own process under a steady mix of local sign-ins,
// refresh grants and admin reads (GraphQL `users(first: 20)`), each from an autocannon process of its own, at
// 80 % of the capacity measured first (each kind alone for a few seconds, then a third of 80 % of its rate each).
// Prints per minute: answers, errors and non-2xx, p99 per kind and the server's RSS; then the totals, the resident
// memory slope (least squares over the minutes, MB/min) and the p99 spread. Targets: 0 errors, slope < 1 MB/min,
// p99 stable. Not a test: it runs only when asked, never in CI.
//
// Env: BENCH_DATABASE_URL / DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_USERS (64).
import { parseArgs } from 'node:util';
import { createDatabase } from '../test/support/databases.js';
import { gql, machineLine } from './support/app.js';
import { runLoad, type LoadResult, type LoadSpec } from './support/load.js';
import { rssMb } from './support/proc.js';
import { jsonPoster, startServerProcess } from './support/server.js';

const { values } = parseArgs({ args: process.argv.slice(3), options: { minutes: { type: 'string', default: '10' } } });
const MINUTES = Number(values.minutes);
const USERS = Number(process.env.BENCH_USERS ?? 64);
const PASSWORD = 'Soak-passw0rd!';
const CONNECTIONS = 4;
const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }';
const ADMIN_READ = '{ users(first: 20) { totalCount edges { node { id email status } } } }';

type Kind = 'sign-in' | 'refresh' | 'admin read';

async function main(): Promise<void> {
  if (!Number.isFinite(MINUTES) || MINUTES < 1) throw new Error('--minutes must be a whole number ≥ 1');
  console.log(machineLine());
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createDatabase(adminUrl, 'trb_soak');
  const server = await startServerProcess(database.url);
  try {
    const { url, adminKey } = server;
    const emails = Array.from({ length: USERS }, (_, i) => `soak-${i}@bench.test`);
    for (const email of emails) await gql(url, adminKey, CREATE_USER, { input: { email, password: PASSWORD } });
    const post = jsonPoster(url, 4);
    // One chain per refresh connection, per run: a chain is spent as it goes.
    let nextChain = 0;
    const chains = async () => {
      const tokens: string[] = [];
      for (let i = 0; i < CONNECTIONS; i++) {
        const response = await post('/auth/sign-in', { email: emails[nextChain++ % USERS], password: PASSWORD });
        if (response.status !== 200) throw new Error(`seeding a refresh chain: HTTP ${response.status}`);
        tokens.push((JSON.parse(response.body) as { refresh_token: string }).refresh_token);
      }
      return tokens;
    };
    // The kind-specific part of a LoadSpec (the union's members share url, connections and seconds).
    const spec = async (kind: Kind): Promise<object> =>
      kind === 'sign-in'
        ? { kind: 'sign-in', emails, password: PASSWORD }
        : kind === 'refresh'
          ? { kind: 'refresh', tokens: await chains() }
          : { kind: 'graphql', adminKey, query: ADMIN_READ };
    const kinds: Kind[] = ['sign-in', 'refresh', 'admin read'];

    const capacity = new Map<Kind, number>();
    for (const kind of kinds) {
      const result = await runLoad({ url, connections: CONNECTIONS, seconds: 5, ...(await spec(kind)) } as LoadSpec, () => undefined);
      capacity.set(kind, result.ok / result.seconds);
    }
    const rates = new Map(kinds.map((kind) => [kind, (0.8 * capacity.get(kind)!) / kinds.length]));
    console.log(`capacity alone (c=${CONNECTIONS}, 5 s): ${kinds.map((kind) => `${kind} ${capacity.get(kind)!.toFixed(0)}/s`).join(', ')}`);
    console.log(`soak: ${MINUTES} min at ${kinds.map((kind) => `${kind} ${rates.get(kind)!.toFixed(1)}/s`).join(' + ')} (80 % of capacity, a third each)`);

    const minutes: { results: Map<Kind, LoadResult>; rss: number }[] = [];
    for (let minute = 1; minute <= MINUTES; minute++) {
      const specs = await Promise.all(kinds.map(async (kind) => ({ kind, spec: await spec(kind) })));
      const results = await Promise.all(
        specs.map(
          async ({ kind, spec: load }) =>
            [kind, await runLoad({ url, connections: CONNECTIONS, seconds: 60, rate: rates.get(kind), ...load } as LoadSpec, () => undefined)] as const,
        ),
      );
      const byKind = new Map<Kind, LoadResult>(results);
      const rss = rssMb(server.pid);
      minutes.push({ results: byKind, rss });
      const line = kinds.map((kind) => {
        const r = byKind.get(kind)!;
        return `${kind} ${(r.ok / r.seconds).toFixed(1)}/s p99 ${r.p99} ms errors ${r.errors + r.non2xx}`;
      });
      console.log(`minute ${minute}: ${line.join(' | ')} | server RSS ${rss.toFixed(0)} MB`);
    }

    const errors = minutes.reduce((sum, m) => sum + [...m.results.values()].reduce((s, r) => s + r.errors + r.non2xx + r.timeouts, 0), 0);
    // Least squares over the minutes; the first minute is the warm-up (JIT, pools, caches filling).
    const points = minutes.slice(minutes.length > 2 ? 1 : 0).map((m, i) => [i, m.rss] as const);
    const meanX = points.reduce((s, [x]) => s + x, 0) / points.length;
    const meanY = points.reduce((s, [, y]) => s + y, 0) / points.length;
    const denominator = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
    const slope = denominator ? points.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0) / denominator : 0;
    console.log(`\nerrors (connection errors, timeouts, non-2xx): ${errors} (target 0: ${errors === 0 ? 'met' : 'MISSED'})`);
    console.log(
      `resident memory slope: ${slope.toFixed(2)} MB/min${points.length < 2 ? ' (one minute: no slope)' : ''} (target < 1: ${slope < 1 ? 'met' : 'MISSED'})`,
    );
    for (const kind of kinds) {
      const p99s = minutes.map((m) => m.results.get(kind)!.p99);
      console.log(`${kind} p99 per minute: ${p99s.join(', ')} ms (min ${Math.min(...p99s)}, max ${Math.max(...p99s)})`);
    }
  } finally {
    await server.close();
    await database.drop();
  }
}

await main();
