// Attack tests through the server: hostile prehooks run during real sign-ins and through testPrehook.
// Each is stopped or contained, the server keeps answering meanwhile, and a good script works next.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { signIn, verifyToken } from '../support/sign-in.js';
import { createPrehook, createUser, deleteAllPrehooks, healthAnswersBefore, runsOf, testPrehook, updatePrehook } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createUser(server, 'victim@local.test');
});
afterEach(() => deleteAllPrehooks(server));
afterAll(() => server.close());

const GOOD = 'export default async (e) => ({ claims: { fine: e.email } })';
const escape = 'Function("return this.constructor.constructor(\'return process\')()")()';

/** Each attack as a beforeTokenIssue prehook, and the error kind(s) that stop it. */
const ATTACKS: [string, string, string[]][] = [
  ['loops forever', 'export default async () => { while (true) {} }', ['TIMEOUT']],
  [
    'allocates without bound',
    'export default async () => { const hoard = []; for (;;) hoard.push(new Array(1e5).fill(hoard.length)); }',
    ['OOM', 'TIMEOUT', 'RUNTIME'],
  ],
  ['recurses without bound', 'export default async () => { const dive = (n) => dive(n + 1) + 1; return dive(0); }', ['RUNTIME']],
  ['reaches for the host process', `export default async () => ({ claims: { env: ${escape}.env } })`, ['RUNTIME']],
  ['awaits forever', 'export default async () => new Promise(() => {})', ['TIMEOUT']],
  ['returns a function', 'export default async () => ({ claims: { f: () => 1 } })', ['OUTPUT']],
];

describe.each(ATTACKS)('a prehook that %s', (_name, code, kinds) => {
  it('is stopped during a sign-in: DENY refuses, CONTINUE signs in, the server answers meanwhile, a good script works next', async () => {
    const id = await createPrehook(server, { event: 'beforeTokenIssue', code, timeoutMs: 1000 });
    // The script cannot be stopped before its 1000 ms limit has passed since the sign-in was sent.
    const stopped = sleep(1000, undefined, { ref: false });
    const pending = signIn(server, 'victim@local.test', 'local-pass-1');
    // While the script runs, the event loop is free: health answers before the script's limit, and the admin API answers.
    const healthFirst = await healthAnswersBefore(server, stopped);
    expect(ok(await server.gql('{ prehooks { id } }')).prehooks).toHaveLength(1);
    const denied = await pending;
    expect(denied.status).toBe(403);
    expect(denied.body.error_description).not.toMatch(/process|Range|Maximum|memory|time/i);
    expect(healthFirst).toBe(true);
    const [run] = await runsOf(server, id);
    expect(kinds).toContain(run!.errorKind);

    await updatePrehook(server, id, { failurePolicy: 'CONTINUE' });
    const through = await signIn(server, 'victim@local.test', 'local-pass-1');
    expect(through.status).toBe(200);
    expect((await verifyToken(server, through.body.access_token)).env).toBeUndefined();

    await updatePrehook(server, id, { code: GOOD });
    const good = await signIn(server, 'victim@local.test', 'local-pass-1');
    expect((await verifyToken(server, good.body.access_token)).fine).toBe('victim@local.test');
  });

  it('is stopped under testPrehook too, and the test reports why', async () => {
    const id = await createPrehook(server, { event: 'beforeTokenIssue', code, timeoutMs: 1000 });
    const run = await testPrehook(server, id, { email: 'a@b.c', claims: {} });
    expect(run.ok).toBe(false);
    expect(kinds).toContain(run.errorKind);
    expect(run.durationMs).toBeLessThan(5000);
    expect(JSON.stringify(run)).not.toMatch(/\/work\/|node_modules|isolated-vm/);
  });
});

describe('prototype tricks', () => {
  it('a script polluting prototypes, or returning __proto__ keys, changes nothing outside its data', async () => {
    await createPrehook(server, {
      event: 'afterAuthentication',
      code: `export default async (e) => {
        Object.prototype.isAdmin = true; e.__proto__.polluted = true;
        return JSON.parse('{"metadata": {"__proto__": {"isAdmin": true}, "nested": {"__proto__": {"polluted": true}}, "plain": 1}}');
      }`,
    });
    await createPrehook(server, {
      event: 'beforeTokenIssue',
      code: 'export default async (e) => ({ claims: { sawAdmin: ({}).isAdmin === true, role: e.user.metadata.isAdmin ?? null } })',
    });
    const response = await signIn(server, 'victim@local.test', 'local-pass-1');
    expect(response.status).toBe(200);
    const claims = await verifyToken(server, response.body.access_token);
    expect(claims).toMatchObject({ sawAdmin: false, roles: [] });
    expect(claims.role).toBeUndefined();
    const [row] = await server.sql<{ metadata: Record<string, unknown> }>("select metadata from users where email = 'victim@local.test'");
    expect(Object.getPrototypeOf(row!.metadata)).toBe(Object.prototype);
    expect((row!.metadata as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(row!.metadata.plain).toBe(1);
    // The server shares this process: nothing leaked into the host's prototypes.
    expect(({} as { isAdmin?: unknown; polluted?: unknown }).isAdmin).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('console floods', () => {
  it('a million console.log calls are capped in the run log and the sign-in goes on', async () => {
    const id = await createPrehook(server, {
      event: 'beforeSignIn',
      timeoutMs: 3000,
      code: 'export default async () => { for (let i = 0; i < 1e6; i++) console.log("spam".repeat(50), i); }',
    });
    expect((await signIn(server, 'victim@local.test', 'local-pass-1')).status).toBe(200);
    const [run] = await runsOf(server, id);
    expect(run).toMatchObject({ ok: true, logTruncated: true });
    expect(run!.log.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(run!.log).length).toBeLessThan(40_000);
  });
});
