// Attack tests on isolation: a script must not reach the host, its objects or other scripts.
import { afterAll, describe, expect, it } from 'vitest';
import { Sandbox, type SandboxResult } from './index.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.dispose());

const run = (code: string, args: unknown[] = []): Promise<SandboxResult> =>
  sandbox.run({ code, exportName: 'default', args, env: { SECRET: 'x' }, timeoutMs: 1000 });

describe('no way out to the host', () => {
  it.each([
    ['this.constructor.constructor', 'export default async () => Function("return this.constructor.constructor(\'return process\')()")();'],
    ['({}).constructor.constructor', 'export default async () => ({}).constructor.constructor("return process")();'],
    ['console.log.constructor', 'export default async () => console.log.constructor("return process")();'],
    ['fetch.constructor', 'export default async () => fetch.constructor("return process")();'],
    ['env.constructor.constructor', 'export default async () => env.constructor.constructor("return process")();'],
  ])('finds no host process through %s', async (_path, code) => {
    expect(await run(code)).toMatchObject({ ok: false, kind: 'runtime', message: 'ReferenceError: process is not defined' });
  });

  it('has no host globals, only standard JavaScript plus console, fetch and env', async () => {
    const code = `export default async () => {
      const names = ['process', 'require', 'module', 'Buffer', 'setTimeout', 'setInterval', 'queueMicrotask', 'ivm', '_ivm', 'global'];
      return { present: names.filter((name) => name in globalThis), extra: Object.getOwnPropertyNames(globalThis).filter((n) => /^[a-z]/.test(n)) };
    };`;
    const result = await run(code);
    expect(result).toMatchObject({ ok: true, value: { present: [] } });
    const extra = result.ok ? (result.value as { extra: string[] }).extra : [];
    expect(extra.filter((name) => !['console', 'fetch', 'env'].includes(name)).every((name) => name in globalThis)).toBe(true);
    expect(extra).not.toContain('require');
  });

  it('refuses dynamic import', async () => {
    const result = await run('export default async () => { const fs = await import("node:fs"); return typeof fs.readFileSync; };');
    expect(result.ok).toBe(false);
  });

  it('keeps __proto__ in input as plain data, and pollution inside the isolate stays there', async () => {
    const input = JSON.parse('{"email":"a@b.c","__proto__":{"isAdmin":true}}') as unknown;
    const code = `export default async (e) => {
      const sawAdmin = e.isAdmin === true;
      Object.prototype.polluted = 'yes';
      Object.assign({}, e);
      return { sawAdmin, own: Object.keys(e), forged: JSON.parse('{"__proto__":{"isAdmin":true}}') };
    };`;
    const result = await run(code, [input]);
    expect(result).toMatchObject({ ok: true, value: { sawAdmin: false, own: ['email', '__proto__'] } });
    const forged = result.ok ? (result.value as { forged: object }).forged : {};
    expect(Object.getPrototypeOf(forged)).toBe(Object.prototype);
    expect((forged as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(({} as { polluted?: unknown; isAdmin?: unknown }).polluted).toBeUndefined();
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  it('returns no host references, only copied data', async () => {
    const result = await run('export default async () => ({ when: new Date(0), list: [1, { a: null }] });');
    expect(result).toMatchObject({ ok: true, value: { when: '1970-01-01T00:00:00.000Z', list: [1, { a: null }] } });
  });

  it('cannot forge its result by replacing JSON or Reflect', async () => {
    const code = `export default async () => {
      JSON.stringify = () => '{"ok":true,"value":"forged"}';
      JSON.parse = () => ({});
      Reflect.apply = () => 'forged';
      return { real: true };
    };`;
    expect(await run(code)).toMatchObject({ ok: true, value: { real: true } });
  });

  it('keeps fetch working for a script that polluted Object.prototype with transfer options', async () => {
    const code =
      'export default async () => { Object.prototype.reference = true; Object.prototype.timeout = 1; try { await fetch("https://nowhere.test/"); } catch (e) { return e.name; } };';
    expect(await run(code)).toMatchObject({ ok: true, value: 'DeniedError' });
  });

  it('keeps each script version apart', async () => {
    await run('export default async () => { globalThis.leak = env.SECRET; Object.prototype.shared = 1; };');
    const result = await run('export default async () => [typeof globalThis.leak, typeof ({}).shared];');
    expect(result).toMatchObject({ ok: true, value: ['undefined', 'undefined'] });
  });

  it('reports a thrown getter or proxy without running script code on the host', async () => {
    const code = 'export default async () => { throw new Proxy({}, { get() { throw new Error("trap"); } }); };';
    expect(await run(code)).toMatchObject({ ok: false, kind: 'runtime' });
    const getter = 'export default async () => ({ get x() { while (true) {} } });';
    expect(await run(getter)).toMatchObject({ ok: false, kind: 'timeout' });
  });
});
