// Attack tests on a custom-code source through the server: a hostile authenticate is stopped within the
// pool's timeout and reads as source_unavailable, the server answers meanwhile, and good code works next.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf, createPool, signIn, verifyToken } from '../support/sign-in.js';
import { healthAnswersBefore } from '../prehooks/support.js';

let server: TestServer;
let poolId: string;
beforeAll(async () => {
  server = await startTestServer();
  poolId = await createPool(server, {
    name: 'hostile',
    type: 'EXTERNAL',
    source: 'custom-code',
    config: { code: source('null') },
    settings: { timeoutMs: 1000 },
  });
});
afterAll(() => server.close());

/** A script whose authenticate runs `body`; getUser is harmless. */
function source(body: string): string {
  return `export async function getUser() { return null; }\nexport async function authenticate(credentials) { ${body} }`;
}
const setCode = async (code: string) =>
  ok(
    await server.gql('mutation($id: ID!, $input: UpdateUserPoolInput!) { updateUserPool(id: $id, input: $input) { id } }', {
      id: poolId,
      input: { config: { code } },
    }),
  );
const GOOD = source('return credentials.password === "right-pass-1" ? { externalId: "e1", email: credentials.email, emailVerified: true } : null;');
const escape = 'Function("return this.constructor.constructor(\'return process\')()")()';

const ATTACKS: [string, string][] = [
  ['loops forever', 'while (true) {}'],
  ['allocates without bound', 'const hoard = []; for (;;) hoard.push(new Array(1e5).fill(hoard.length));'],
  ['recurses without bound', 'const dive = (n) => dive(n + 1) + 1; return dive(0);'],
  ['reaches for the host process', `return { externalId: "x", email: credentials.email, emailVerified: true, profile: { env: ${escape}.env } };`],
  ['awaits forever', 'await new Promise(() => {});'],
];

describe.each(ATTACKS)('an authenticate that %s', (name, body) => {
  it('is stopped: 503 source_unavailable, the server answers meanwhile, and good code works next', async () => {
    await setCode(source(body));
    const email = `victim-${name.replaceAll(' ', '-')}@legacy.test`;
    const started = performance.now();
    // The script cannot be stopped before the pool's 1000 ms timeout has passed since the sign-in was sent.
    const stopped = sleep(1000, undefined, { ref: false });
    const pending = signIn(server, email, 'right-pass-1');
    // While the script runs, the event loop is free: health answers before the pool's timeout.
    const healthFirst = await healthAnswersBefore(server, stopped);
    expect(ok(await server.gql('{ userPools { id } }')).userPools).toHaveLength(1);
    const response = await pending;
    expect(response).toMatchObject({ status: 503, body: { error: 'source_unavailable' } });
    expect(response.body.error_description).not.toMatch(/process|Range|memory|script/i);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(healthFirst).toBe(true);
    expect(await server.sql('select id from users where email = ?', [email])).toEqual([]);
    expect((await auditOf(server, email)).at(-1)!.details.skipped[0]).toMatchObject({ pool: poolId });

    await setCode(GOOD);
    const good = await signIn(server, email, 'right-pass-1');
    expect(good.status).toBe(200);
    expect(await verifyToken(server, good.body.access_token)).toMatchObject({ pool: poolId, email });
    await server.sql('delete from users where email = ?', [email]);
  });
});

describe('a custom-code source that tricks or floods', () => {
  it('returns __proto__ keys and pollutes prototypes: stored as plain data, the host untouched', async () => {
    await setCode(
      source(`Object.prototype.isAdmin = true;
        return JSON.parse('{"externalId": "p1", "email": "' + credentials.email + '", "emailVerified": true, "profile": {"__proto__": {"isAdmin": true}, "name": "P"}, "roles": ["x"], "__proto__": {"roles": ["admin"]}}');`),
    );
    const response = await signIn(server, 'proto@legacy.test', 'any-pass-1');
    expect(response.status).toBe(200);
    expect(await verifyToken(server, response.body.access_token)).toMatchObject({ roles: [] });
    const [row] = await server.sql<{ profile: Record<string, unknown> }>("select profile from users where email = 'proto@legacy.test'");
    expect(row!.profile.name).toBe('P');
    expect((row!.profile as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  it('fills WebAssembly memory or hoards array buffers: 503, and the server process stays flat', async () => {
    const before = process.memoryUsage().rss;
    // A filled 1 GiB WebAssembly.Memory once took the server from ~435 MB to 1.47 GB.
    for (const [name, body] of [
      ['wasm', 'const m = new WebAssembly.Memory({ initial: 16384 }); new Uint8Array(m.buffer).fill(1); return null;'],
      ['buffers', 'const kept = []; for (;;) kept.push(new Uint8Array(4 * 1024 * 1024).fill(1));'],
    ]) {
      await setCode(source(body!));
      const email = `memory-${name}@legacy.test`;
      expect(await signIn(server, email, 'right-pass-1')).toMatchObject({ status: 503, body: { error: 'source_unavailable' } });
      expect((await auditOf(server, email)).at(-1)!.details.skipped[0]).toMatchObject({ pool: poolId });
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    await setCode(GOOD);
    expect((await signIn(server, 'after-memory@legacy.test', 'right-pass-1')).status).toBe(200);
    await server.sql('delete from users where email = ?', ['after-memory@legacy.test']);
  });

  it('floods console: the sandbox caps the log and the sign-in still works', async () => {
    await setCode(source(`for (let i = 0; i < 1e6; i++) console.log("spam", i); ${GOOD.split('authenticate(credentials) { ')[1]!.slice(0, -2)}`));
    expect((await signIn(server, 'flood@legacy.test', 'right-pass-1')).status).toBe(200);
  });
});
