// `pnpm bench sandbox`: cold start of a script version and per-call overhead of a warm prehook.
// Target: a warm trivial prehook call at p50 < 0.5 ms, so prehooks add little to a sign-in beyond the hash.
import { Sandbox } from '../sandbox/src/index.js';

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const ms = (value: number): string => `${value.toFixed(3)} ms`;

function report(name: string, samples: number[], totalMs: number): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const rate = Math.round((samples.length / totalMs) * 1000);
  console.log(
    `${name.padEnd(34)} p50 ${ms(quantile(sorted, 0.5))}  p99 ${ms(quantile(sorted, 0.99))}  max ${ms(sorted.at(-1) ?? NaN)}  ${rate.toLocaleString('en')} calls/s  (n=${samples.length})`,
  );
}

async function timed(samples: number[], task: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  const result = await task();
  samples.push(performance.now() - started);
  if (typeof result === 'object' && result !== null && 'ok' in result && result.ok !== true) throw new Error(`bench call failed: ${JSON.stringify(result)}`);
}

const sandbox = new Sandbox({ memoryLimitMb: 32, maxIsolates: 1000 });
const prehook = (n: number): string => `// version ${n}\nexport default async (event) => ({ claims: { tenant: event.tenantId } });`;
const event = { event: 'beforeTokenIssue', email: 'ada@example.com', tenantId: 't1' };
const run = (code: string): Promise<unknown> => sandbox.run({ code, exportName: 'default', args: [event], env: { KEY: 'k' }, timeoutMs: 1000 });

console.log(`isolated-vm sandbox bench (Node ${process.version}, ${process.arch})`);

// Cold start: a version never seen before, so a new isolate, context, runtime and module compile.
const coldCheck: number[] = [];
const coldCheckStarted = performance.now();
for (let n = 0; n < 200; n++) await timed(coldCheck, () => sandbox.check(prehook(n)));
report('cold start: check (new isolate)', coldCheck, performance.now() - coldCheckStarted);
const coldRun: number[] = [];
const coldRunStarted = performance.now();
for (let n = 1000; n < 1200; n++) await timed(coldRun, () => run(prehook(n)));
report('cold start: first run', coldRun, performance.now() - coldRunStarted);
sandbox.dispose();

const warm = new Sandbox({ memoryLimitMb: 32 });
const warmRun = (code: string, args: unknown[] = [event]): Promise<unknown> =>
  warm.run({ code, exportName: 'default', args, env: { KEY: 'k' }, timeoutMs: 1000 });
const code = prehook(0);
for (let i = 0; i < 2000; i++) await warmRun(code);
const warmSamples: number[] = [];
const warmStarted = performance.now();
for (let i = 0; i < 30_000; i++) await timed(warmSamples, () => warmRun(code));
report('warm trivial prehook', warmSamples, performance.now() - warmStarted);

const logging = 'export default async (event) => { console.log("issuing for", event.email); return { claims: { tenant: event.tenantId } }; };';
for (let i = 0; i < 1000; i++) await warmRun(logging);
const logSamples: number[] = [];
const logStarted = performance.now();
for (let i = 0; i < 10_000; i++) await timed(logSamples, () => warmRun(logging));
report('warm prehook with one console.log', logSamples, performance.now() - logStarted);

// Concurrent callers of 8 script versions: isolates run in parallel on isolated-vm's thread pool.
const versions = Array.from({ length: 8 }, (_, n) => prehook(n));
for (const version of versions) await warmRun(version);
const concurrentStarted = performance.now();
let concurrentCalls = 0;
await Promise.all(
  versions.map(async (version) => {
    for (let i = 0; i < 5000; i++, concurrentCalls++) await warmRun(version);
  }),
);
const concurrentMs = performance.now() - concurrentStarted;
console.log(
  `${'warm, 8 versions concurrently'.padEnd(34)} ${Math.round((concurrentCalls / concurrentMs) * 1000).toLocaleString('en')} calls/s  (n=${concurrentCalls})`,
);

const p50 = quantile(
  [...warmSamples].sort((a, b) => a - b),
  0.5,
);
console.log(`target warm p50 < 0.5 ms: ${p50 < 0.5 ? 'met' : 'NOT met'} (${ms(p50)})`);
warm.dispose();
