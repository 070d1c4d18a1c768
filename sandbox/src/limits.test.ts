// Attack tests on resources: loops, allocation, recursion, floods. Each also checks that the
// sandbox is fine afterwards, since "stopped" is only half of the promise.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, type RunRequest, type SandboxResult } from './index.js';

const sandbox = new Sandbox({ memoryLimitMb: 16 });
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/slow') setTimeout(() => response.end('slow pong'), 150);
    else response.end('pong');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sandbox.dispose();
  await new Promise((resolve) => server.close(resolve));
});

const run = (code: string, more: Partial<RunRequest> = {}): Promise<SandboxResult> =>
  sandbox.run({ code, exportName: 'default', args: [], allowedHosts: ['127.0.0.1'], timeoutMs: 300, ...more });
const good = 'export default async (n) => n * 2;';
const expectHealthy = async (): Promise<void> => expect(await run(good, { args: [21] })).toMatchObject({ ok: true, value: 42 });

describe('time', () => {
  it('stops while(true){} at the limit and answers the next call', async () => {
    const code = 'export default async (loop) => { if (loop) while (true) {} return "fine"; }';
    const stopped = await run(code, { args: [true] });
    // isolated-vm's timeout usually wins; under CPU contention the wall-clock watchdog may.
    // The message names the 300 ms limit that stopped it: no wall-clock bound needed on a busy machine.
    expect(stopped).toMatchObject({ ok: false, kind: 'timeout', message: expect.stringMatching(/300 ms/) });
    expect(await run(code, { args: [false] })).toMatchObject({ ok: true, value: 'fine' });
  });

  it('stops a loop that starts after an awaited fetch (outside isolated-vm timeouts)', async () => {
    const code = 'export default async (u) => { console.log("before"); await fetch(u); while (true) {} };';
    const stopped = await run(code, { args: [base] });
    expect(stopped).toMatchObject({ ok: false, kind: 'timeout', message: 'The script exceeded its wall-clock limit of 300 ms' });
    expect(stopped.log.entries.map((entry) => entry.message)).toEqual(['before']);
    await expectHealthy();
  });

  it('applies the CPU-time limit separately from the wall-clock limit', async () => {
    const code = 'export default async (u) => { await fetch(u); while (true) {} };';
    const stopped = await run(code, { args: [base], timeoutMs: 5000, cpuTimeMs: 100 });
    // The CPU limit (100 ms) stopped it, not the 5 s wall clock: the message says which.
    expect(stopped).toMatchObject({ ok: false, kind: 'timeout', message: 'The script exceeded its CPU-time limit of 100 ms' });
  });

  it('lets a script wait on fetch longer than its CPU budget', async () => {
    const code = 'export default async (u) => (await fetch(u + "/slow")).text();';
    expect(await run(code, { args: [base], timeoutMs: 2000, cpuTimeMs: 50 })).toMatchObject({ ok: true, value: 'slow pong' });
  });

  it('parks code resumed by a fetch answer that arrives after its call ended', async () => {
    // The busy wait makes sure the answer is back before the call ends.
    const code =
      'export default async (u) => { fetch(u).then(() => { while (true) {} }); const end = Date.now() + 50; while (Date.now() < end) {} return "early"; };';
    expect(await run(code, { args: [base] })).toMatchObject({ ok: true, value: 'early' });
    await sleep(100);
    // Had the parked loop run, the next call would wait for it until its limit: it must finish before that limit could pass.
    const next = run(code, { args: [base] });
    expect(await Promise.race([next.then(() => 'call'), sleep(300).then(() => 'limit')])).toBe('call');
    expect(await next).toMatchObject({ ok: true, value: 'early' });
  });

  it('offers no Atomics.wait to block on (nor SharedArrayBuffer)', async () => {
    const code = 'export default async () => [typeof Atomics, typeof SharedArrayBuffer, typeof globalThis.WebAssembly];';
    expect(await run(code)).toMatchObject({ ok: true, value: ['undefined', 'undefined', 'undefined'] });
    await expectHealthy();
  });

  it('keeps the host event loop answering while a script loops', async () => {
    const looping = run('export default async () => { while (true) {} };', { timeoutMs: 1500 });
    let settled = false;
    void looping.then(() => (settled = true));
    await sleep(20);
    const pong = await (await fetch(base)).text();
    // The host answered while the script was still looping: an ordering, not a latency.
    expect(pong).toBe('pong');
    expect(settled).toBe(false);
    expect(await looping).toMatchObject({ ok: false, kind: 'timeout' });
    await expectHealthy();
  });
});

describe('memory and stack', () => {
  it('reports unbounded allocation as oom, keeps the log, and recreates the isolate', async () => {
    const code =
      'export default async (bomb) => { if (!bomb) return "ok"; console.log("allocating"); const a = []; while (true) a.push({ n: Math.random(), s: "x" + Math.random() }); };';
    const result = await run(code, { args: [true], timeoutMs: 10_000 });
    expect(result).toMatchObject({ ok: false, kind: 'oom', message: 'The script exceeded its memory limit of 16 MB' });
    expect(result.log.entries.map((entry) => entry.message)).toEqual(['allocating']);
    expect(await run(code, { args: [false] })).toMatchObject({ ok: true, value: 'ok' });
    await expectHealthy();
  });

  it('keeps array buffers and WebAssembly memory inside the limit: the host stays flat', async () => {
    const before = process.memoryUsage().rss;
    // A 1 GiB WebAssembly.Memory was reserved outside the isolate's allocator and grew the host.
    const wasm =
      'export default async () => { const m = new WebAssembly.Memory({ initial: 16384 }); new Uint8Array(m.buffer).fill(1); return m.buffer.byteLength; };';
    expect(await run(wasm, { timeoutMs: 5000 })).toMatchObject({ ok: false, kind: 'runtime', message: 'ReferenceError: WebAssembly is not defined' });
    const hoard = 'export default async () => { const kept = []; for (;;) kept.push(new Uint8Array(1024 * 1024).fill(1)); };';
    expect(await run(hoard, { timeoutMs: 5000 })).toMatchObject({ ok: false, kind: 'oom', message: 'The script exceeded its memory limit of 16 MB' });
    // A single buffer beyond the limit is refused before any memory is taken.
    const huge = 'export default async () => new ArrayBuffer(512 * 1024 * 1024).byteLength;';
    expect(await run(huge, { timeoutMs: 5000 })).toMatchObject({ ok: false, kind: 'oom' });
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    await expectHealthy();
  });

  it('contains a string-doubling bomb', async () => {
    const result = await run('export default async () => { let s = "x"; while (true) s += s; };', { timeoutMs: 10_000 });
    expect(result.ok).toBe(false);
    expect(['oom', 'runtime']).toContain(result.ok ? '' : result.kind);
    await expectHealthy();
  });

  it('reports unbounded recursion as a runtime error', async () => {
    const result = await run('function down(n) { return down(n + 1) + 1; }\nexport default async () => down(0);');
    expect(result).toMatchObject({ ok: false, kind: 'runtime', message: 'RangeError: Maximum call stack size exceeded', line: 1 });
    await expectHealthy();
  });
});

describe('console flood', () => {
  it('caps entries and marks truncation when a script logs in a loop until stopped', async () => {
    const result = await run('export default async () => { while (true) console.log("x".repeat(1000)); };');
    expect(result).toMatchObject({ ok: false, kind: 'timeout' });
    expect(result.log.truncated).toBe(true);
    expect(result.log.entries.reduce((sum, entry) => sum + entry.message.length, 0)).toBeLessThanOrEqual(16_384);
    await expectHealthy();
  });

  it('caps entries and finishes quickly when a script logs many small lines', async () => {
    const result = await run('export default async () => { for (let i = 0; i < 200000; i++) console.log(i); return "done"; };', { timeoutMs: 2000 });
    expect(result).toMatchObject({ ok: true, value: 'done', log: { truncated: true } });
    expect(result.log.entries).toHaveLength(100);
    expect(result.log.entries[99]?.message).toBe('99');
  });
});
