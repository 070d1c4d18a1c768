import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox, type RunRequest, type SandboxResult } from './index.js';

const sandbox = new Sandbox({ memoryLimitMb: 32, maxIsolates: 10 });
afterAll(() => sandbox.dispose());

const run = (code: string, args: unknown[] = [], more: { exportName?: string; env?: Record<string, string> } = {}): Promise<SandboxResult> =>
  sandbox.run({ code, exportName: more.exportName ?? 'default', args, env: more.env ?? {}, timeoutMs: 1000 });

describe('running scripts', () => {
  it('calls a prehook default export with the event and returns its change', async () => {
    const code = 'export default async (e) => ({ claims: { domain: e.email.split("@")[1] } });';
    const result = await run(code, [{ event: 'beforeTokenIssue', email: 'ada@example.com' }]);
    expect(result).toMatchObject({ ok: true, value: { claims: { domain: 'example.com' } } });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('treats a prehook returning nothing as no change', async () => {
    const result = await run('export default async () => {}', [{}]);
    expect(result.ok && result.value).toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it('calls a named export of a custom-code source with its env', async () => {
    const code = `
      export async function authenticate(login) { return { ok: login.password === env.MASTER, id: login.email }; }
      export async function getUser(id) { return { id }; }`;
    const env = { MASTER: 's3cret' };
    expect(await run(code, [{ email: 'a@b.c', password: 's3cret' }], { exportName: 'authenticate', env })).toMatchObject({
      ok: true,
      value: { ok: true, id: 'a@b.c' },
    });
    expect(await run(code, [{ email: 'a@b.c', password: 'nope' }], { exportName: 'authenticate', env })).toMatchObject({ ok: true, value: { ok: false } });
    expect(await run(code, ['u1'], { exportName: 'getUser' })).toMatchObject({ ok: true, value: { id: 'u1' } });
  });

  it('gives each call its own env, frozen', async () => {
    const code = 'export default async () => { try { env.A = "changed"; } catch {} return env.A ?? null; }';
    expect(await run(code, [], { env: { A: 'one' } })).toMatchObject({ ok: true, value: 'one' });
    expect(await run(code, [], { env: {} })).toMatchObject({ ok: true, value: null });
  });

  it('captures console output per call, by level, with objects as JSON', async () => {
    const code = 'export default async (e) => { console.log("event", e); console.warn("careful"); console.error(new Error("bad")); return 1; }';
    const result = await run(code, [{ n: 1 }]);
    expect(result.log.truncated).toBe(false);
    expect(result.log.entries.map((entry) => [entry.level, entry.message.split('\n')[0]])).toEqual([
      ['log', 'event {"n":1}'],
      ['warn', 'careful'],
      ['error', 'Error: bad'],
    ]);
    const again = await run(code, [{ n: 2 }]);
    expect(again.log.entries).toHaveLength(3);
  });

  it('reports a missing export as a runtime fault', async () => {
    const result = await run('export async function getUser() {}', [], { exportName: 'listUsers' });
    expect(result).toMatchObject({ ok: false, kind: 'runtime', message: expect.stringContaining('"listUsers"') });
  });
});

describe('faults an author can act on', () => {
  it('names the line of a syntax error, at check and at run', async () => {
    const code = 'export default async (e) => {\n  const x = ;\n};';
    const checked = await sandbox.check(code);
    expect(checked).toMatchObject({ ok: false, kind: 'syntax', line: 2, message: expect.stringContaining('SyntaxError') });
    expect(await run(code)).toMatchObject({ ok: false, kind: 'syntax', line: 2 });
  });

  it('lists the exported functions of a valid script at check', async () => {
    const code = 'export async function authenticate() {}\nexport const getUser = async () => null;\nexport const version = 3;';
    expect(await sandbox.check(code)).toMatchObject({ ok: true, exports: ['authenticate', 'getUser'] });
  });

  it('refuses imports at check, naming the line', async () => {
    const result = await sandbox.check('// a source\nimport { readFileSync } from "node:fs";\nexport default () => readFileSync("/etc/passwd");');
    expect(result).toMatchObject({ ok: false, kind: 'denied', line: 2, message: expect.stringContaining('node:fs') });
  });

  it('reports a thrown error with its line and the log written before it', async () => {
    const code = 'export default async (e) => {\n  console.log("looking up", e.email);\n  throw new TypeError("no such user");\n};';
    const result = await run(code, [{ email: 'x@y.z' }]);
    expect(result).toMatchObject({ ok: false, kind: 'runtime', message: 'TypeError: no such user', line: 3 });
    expect(result.log.entries.map((entry) => entry.message)).toEqual(['looking up x@y.z']);
  });

  it('reports a thrown non-error value', async () => {
    expect(await run('export default async () => { throw { code: 42 }; }')).toMatchObject({ ok: false, kind: 'runtime', message: 'Uncaught {"code":42}' });
  });

  it('reports an error in top-level code', async () => {
    expect(await run('const a = null;\nconst b = a.x;\nexport default async () => b;')).toMatchObject({ ok: false, kind: 'runtime', line: 2 });
  });

  it.each([
    ['a function', 'export default async () => ({ f() {} })', /function at key "f"/],
    ['a bigint', 'export default async () => ({ n: 10n })', /bigint/],
    ['a cycle', 'export default async () => { const a = {}; a.self = a; return a; }', /circular/i],
  ])('reports an output with %s as kind output', async (_name, code, message) => {
    expect(await run(code)).toMatchObject({ ok: false, kind: 'output', message: expect.stringMatching(message) });
  });

  it('reports an output over the size cap as kind output', async () => {
    const small = new Sandbox({ maxOutputChars: 1000 });
    const result = await small.run({ code: 'export default async () => "x".repeat(5000)', exportName: 'default', args: [], timeoutMs: 1000 });
    small.dispose();
    expect(result).toMatchObject({ ok: false, kind: 'output', message: expect.stringContaining('1000') });
  });
});

describe('the cache of warm isolates', () => {
  it('keeps at most maxIsolates script versions and still runs an evicted one', async () => {
    const small = new Sandbox({ maxIsolates: 2 });
    const versions = [1, 2, 3].map((n) => `export default async () => ${n};`);
    for (const code of versions) expect(await small.run({ code, exportName: 'default', args: [], timeoutMs: 1000 })).toMatchObject({ ok: true });
    expect(small.size).toBe(2);
    expect(await small.run({ code: versions[0] ?? '', exportName: 'default', args: [], timeoutMs: 1000 })).toMatchObject({ ok: true, value: 1 });
    expect(small.size).toBe(2);
    small.dispose();
  });

  it('keeps at most maxIsolates isolates however many calls one version gets', async () => {
    const small = new Sandbox({ maxIsolates: 3, isolatesPerScript: 8 });
    const code = 'export default async (n) => { const end = Date.now() + 50; while (Date.now() < end) {} return n; };';
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => small.run({ code, exportName: 'default', args: [n], timeoutMs: 2000 })));
    expect(results.map((result) => result.ok && result.value)).toEqual([1, 2, 3, 4, 5]);
    expect(small.isolates).toBe(3);
    small.dispose();
  });

  it('keeps module state between calls of one warm version', async () => {
    const code = 'let calls = 0;\nexport default async () => ++calls;';
    await run(code);
    expect(await run(code)).toMatchObject({ ok: true, value: 2 });
  });

  it('rejects host mistakes instead of returning a fault', async () => {
    await expect(sandbox.run({ code: 'export default 1', exportName: 'default', args: [], timeoutMs: 0 })).rejects.toThrow(RangeError);
    await expect(sandbox.run({ code: 'export default 1', exportName: 'default', args: [1n], timeoutMs: 10 })).rejects.toThrow(TypeError);
    expect(() => new Sandbox({ memoryLimitMb: 4 })).toThrow(/at least 8/);
  });
});

describe('concurrent calls of one script', () => {
  /** Busy for `ms` of wall clock, then tells when it ran. */
  const busy = 'export default async (ms) => { const start = Date.now(); while (Date.now() < start + ms) {} return [start, Date.now()]; };';
  const call = (box: Sandbox, ms: number, more: Partial<RunRequest> = {}): Promise<SandboxResult> =>
    box.run({ code: busy, exportName: 'default', args: [ms], timeoutMs: 2000, ...more });

  it('run side by side on several isolates', async () => {
    const box = new Sandbox({ isolatesPerScript: 4 });
    const results = await Promise.all([1, 2, 3, 4].map(() => call(box, 150)));
    box.dispose();
    const spans = results.map((result): [number, number] => (result.ok ? (result.value as [number, number]) : [0, 0]));
    expect(results.every((result) => result.ok)).toBe(true);
    // At least two calls overlapped: one isolate would have run them end to end.
    expect(spans.some(([start], i) => spans.some(([otherStart, otherEnd], j) => i !== j && start >= otherStart && start < otherEnd))).toBe(true);
  });

  it('do not count the wait for a free isolate against the run time limit', async () => {
    const box = new Sandbox({ isolatesPerScript: 2 });
    // Three calls of 500 ms on two isolates: the third waits ~500 ms, then has its own 900 ms.
    const results = await Promise.all([1, 2, 3].map(() => call(box, 500, { timeoutMs: 900, queueTimeoutMs: 5000 })));
    box.dispose();
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
  });

  it('do not count the wait for a thread of isolated-vm (cores + 1 of them) against the run time limit', async () => {
    // 24 calls of 100 ms on a few threads: the last ones start long after the 400 ms of the first.
    const box = new Sandbox({ isolatesPerScript: 24 });
    const results = await Promise.all(Array.from({ length: 24 }, () => call(box, 100, { timeoutMs: 400, queueTimeoutMs: 20_000 })));
    box.dispose();
    expect(results.filter((result) => !result.ok).map((result) => !result.ok && `${result.kind}: ${result.message}`)).toEqual([]);
  });

  it('end as unavailable, never run, when no isolate frees within the queue time', async () => {
    const box = new Sandbox({ isolatesPerScript: 2 });
    const results = await Promise.all([1, 2, 3].map(() => call(box, 250, { queueTimeoutMs: 30 })));
    expect(results.filter((result) => result.ok)).toHaveLength(2);
    expect(results.find((result) => !result.ok)).toMatchObject({
      ok: false,
      kind: 'unavailable',
      message: 'The script did not run: all 2 of its isolates stayed busy for 30 ms',
      log: { entries: [] },
    });
    expect(await call(box, 1)).toMatchObject({ ok: true });
    box.dispose();
  });
});
