import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf, signIn, verifyToken } from '../support/sign-in.js';
import { createPrehook, createUser, deleteAllPrehooks, runsOf, updatePrehook } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await createUser(server, 'ada@local.test');
  await createUser(server, 'blocked@blocked.test');
  ok(await server.gql('mutation { createRole(input: { key: "admin", name: "Admin" }) { id } }'));
});
afterEach(() => deleteAllPrehooks(server));
afterAll(() => server.close());

const metadataOf = async (email: string) =>
  (await server.sql<{ metadata: Record<string, unknown> }>('select metadata from users where email = ?', [email]))[0]!.metadata;

describe('beforeSignIn', () => {
  it('denies with the script’s reason (403 access_denied), before any password is checked, and is audited', async () => {
    await createPrehook(server, {
      event: 'beforeSignIn',
      code: 'export default async (e) => { if (e.email.endsWith("@blocked.test")) return { deny: "accounts of blocked.test are suspended" }; }',
    });
    const denied = await signIn(server, 'blocked@blocked.test', 'local-pass-1');
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ error: 'access_denied', error_description: 'accounts of blocked.test are suspended' });
    expect((await signIn(server, 'blocked@blocked.test', 'wrong-password')).status).toBe(403);
    expect((await signIn(server, 'ada@local.test', 'local-pass-1')).status).toBe(200);
    const events = await auditOf(server, 'blocked@blocked.test');
    expect(events.at(-1)).toMatchObject({ outcome: 'access_denied', details: { event: 'beforeSignIn', kind: 'deny' } });
    // A denial is not a failed password: nothing was counted against the account.
    expect(await server.sql("select key from sign_in_attempts where key like 'acct:blocked%'")).toEqual([]);
  });

  it('trims a long reason to 200 characters', async () => {
    await createPrehook(server, { event: 'beforeSignIn', code: 'export default async () => ({ deny: "x".repeat(900) })' });
    const denied = await signIn(server, 'ada@local.test', 'local-pass-1');
    expect(denied.body.error_description).toBe('x'.repeat(200));
  });

  it('gets plain JSON: email, ip and the known user without secrets (null for an unknown email)', async () => {
    const id = await createPrehook(server, { event: 'beforeSignIn', code: 'export default async (e) => { console.log(JSON.stringify(e)); }' });
    await signIn(server, 'ada@local.test', 'local-pass-1');
    await signIn(server, 'nobody@local.test', 'whatever-1');
    const [unknown, known] = (await runsOf(server, id)).map((run) => JSON.parse(run.log[0].message));
    expect(known).toMatchObject({ event: 'beforeSignIn', email: 'ada@local.test', ip: expect.any(String), user: { email: 'ada@local.test', pool: null } });
    expect(JSON.stringify(known)).not.toMatch(/passwordHash|argon2|local-pass-1/);
    expect(unknown).toMatchObject({ email: 'nobody@local.test', user: null });
  });

  it('skips disabled prehooks', async () => {
    await createPrehook(server, { event: 'beforeSignIn', enabled: false, code: 'export default async () => ({ deny: "off" })' });
    expect((await signIn(server, 'ada@local.test', 'local-pass-1')).status).toBe(200);
  });
});

describe('failurePolicy', () => {
  const crash = 'export default async () => { throw new Error("internal detail: db password hunter2"); }';

  it.each([
    ['a crash', crash, 'runtime'],
    ['a timeout', 'export default async () => { while (true) {} }', 'timeout'],
    ['a result the event does not take', 'export default async () => ({ metadata: { x: 1 } })', 'invalid_result'],
  ])('DENY: %s refuses the sign-in without a word of script internals; CONTINUE lets it through', async (_what, code, kind) => {
    const id = await createPrehook(server, { event: 'beforeSignIn', code, timeoutMs: 200 });
    const denied = await signIn(server, 'ada@local.test', 'local-pass-1');
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('access_denied');
    expect(denied.body.error_description).not.toMatch(/hunter2|internal|error|metadata|runtime|timeout|prehook/i);
    expect((await auditOf(server, 'ada@local.test')).at(-1)).toMatchObject({ outcome: 'access_denied', details: { prehook: id, kind } });
    await updatePrehook(server, id, { failurePolicy: 'CONTINUE' });
    expect((await signIn(server, 'ada@local.test', 'local-pass-1')).status).toBe(200);
    expect((await runsOf(server, id)).map((run) => run.errorKind)).toEqual([kind.toUpperCase(), kind.toUpperCase()]);
  });
});

describe('afterAuthentication', () => {
  it('runs prehooks in position order, each seeing the previous one’s metadata, and stores the result', async () => {
    await createPrehook(server, {
      event: 'afterAuthentication',
      position: 2,
      code: 'export default async (e) => ({ metadata: { second: { sawVisits: e.user.metadata.visits }, stale: null } })',
    });
    await createPrehook(server, {
      event: 'afterAuthentication',
      position: 1,
      code: 'export default async (e) => ({ metadata: { visits: (e.user.metadata.visits ?? 0) + 1, firstSignIn: e.firstSignIn, via: e.pool?.id ?? "local" } })',
    });
    await server.sql(`update users set metadata = '{"keep": true, "stale": 1}' where email = 'ada@local.test'`);
    expect((await signIn(server, 'ada@local.test', 'local-pass-1')).status).toBe(200);
    expect((await signIn(server, 'ada@local.test', 'local-pass-1')).status).toBe(200);
    expect(await metadataOf('ada@local.test')).toEqual({ keep: true, visits: 2, firstSignIn: false, via: 'local', second: { sawVisits: 2 } });
    const { userByEmail } = ok(await server.gql('{ userByEmail(email: "ada@local.test") { metadata } }'));
    expect(userByEmail.metadata.visits).toBe(2);
  });

  it('runs only after the password is good', async () => {
    const id = await createPrehook(server, { event: 'afterAuthentication', code: 'export default async () => ({ metadata: { touched: true } })' });
    expect((await signIn(server, 'ada@local.test', 'wrong-password')).status).toBe(401);
    expect(await runsOf(server, id)).toEqual([]);
  });
});

describe('beforeTokenIssue', () => {
  it('adds claims to the access token; reserved claims cannot be overridden, and the run log says so', async () => {
    const id = await createPrehook(server, {
      event: 'beforeTokenIssue',
      code: `export default async (e) => ({ claims: { plan: "gold", user_email: e.user.email, sub: "evil", roles: ["admin"], email: "x@evil.test", iss: "evil", tenant_id: "evil", pool: "evil", exp: 9999999999 } })`,
    });
    await createPrehook(server, { event: 'beforeTokenIssue', code: 'export default async (e) => ({ claims: { seen: e.claims.plan } })' });
    const response = await signIn(server, 'ada@local.test', 'local-pass-1');
    const claims = await verifyToken(server, response.body.access_token);
    expect(claims).toMatchObject({
      plan: 'gold',
      seen: 'gold',
      user_email: 'ada@local.test',
      email: 'ada@local.test',
      roles: [],
      pool: 'local',
      tenant_id: null,
    });
    expect(claims.sub).not.toBe('evil');
    expect(claims.iss).toBe(server.url);
    expect(claims.exp).toBeLessThan(Date.now() / 1000 + 3600);
    const [run] = await runsOf(server, id);
    expect(run!.log.at(-1)).toMatchObject({
      level: 'warn',
      message: expect.stringContaining('reserved claims ignored: sub, roles, email, iss, tenant_id, pool, exp'),
    });
  });
});
