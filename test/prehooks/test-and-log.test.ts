import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';
import { createPrehook, createUser, deleteAllPrehooks, runsOf, RUN_FIELDS, testPrehook } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => deleteAllPrehooks(server));
afterAll(() => server.close());

const TEST = `mutation($id: ID!, $payload: JSONObject!) { testPrehook(id: $id, payload: $payload) { ${RUN_FIELDS} } }`;

describe('testPrehook', () => {
  it('runs the code on a sample payload and returns result, duration and log; `event` is the prehook’s', async () => {
    const id = await createPrehook(server, {
      event: 'beforeTokenIssue',
      enabled: false,
      code: 'export default async (e) => { console.log("issuing for", e.email); console.warn(e.event); return { claims: { plan: e.user.metadata.plan, sub: "x" } }; }',
    });
    const sent = performance.now();
    const run = await testPrehook(server, id, { event: 'beforeSignIn', email: 'ada@example.com', user: { metadata: { plan: 'pro' } }, claims: {} });
    const roundTrip = performance.now() - sent;
    expect(run).toMatchObject({ ok: true, result: { claims: { plan: 'pro', sub: 'x' } }, error: null, errorKind: null, event: 'beforeTokenIssue', test: true });
    // Milliseconds of this run: more than nothing, and within the request that ran it.
    expect(run.durationMs).toBeGreaterThan(0);
    expect(run.durationMs).toBeLessThanOrEqual(roundTrip);
    expect(run.log.map((entry: { level: string; message: string }) => [entry.level, entry.message])).toEqual([
      ['log', 'issuing for ada@example.com'],
      ['warn', 'beforeTokenIssue'],
      ['warn', 'reserved claims ignored: sub'],
    ]);
  });

  it('returns a denial as a result, and nothing as {}', async () => {
    const deny = await createPrehook(server, { event: 'beforeSignIn', code: 'export default async () => ({ deny: "no" })' });
    expect(await testPrehook(server, deny, {})).toMatchObject({ ok: true, result: { deny: 'no' } });
    const quiet = await createPrehook(server, { event: 'beforeSignIn', code: 'export default async () => {}' });
    expect(await testPrehook(server, quiet, {})).toMatchObject({ ok: true, result: {} });
  });

  it('reports a throw with its line, a timeout, and a result the event does not take', async () => {
    const thrower = await createPrehook(server, {
      event: 'afterAuthentication',
      code: 'export default async (e) => {\n  const x = e.user.metadata;\n  throw new Error("boom");\n};',
    });
    expect(await testPrehook(server, thrower, {})).toMatchObject({
      ok: false,
      errorKind: 'RUNTIME',
      errorLine: 2,
      error: expect.stringContaining('TypeError'),
    });
    expect(await testPrehook(server, thrower, { user: { metadata: {} } })).toMatchObject({ errorKind: 'RUNTIME', errorLine: 3, error: 'Error: boom' });
    const looper = await createPrehook(server, { event: 'beforeSignIn', timeoutMs: 100, code: 'export default async () => { for (;;) {} }' });
    const patient = await createPrehook(server, { event: 'beforeSignIn', timeoutMs: 1000, code: 'export default async () => { for (;;) {} }' });
    // The prehook's own limit stops it: run side by side, the 100 ms one ends before the 1000 ms one.
    const ended: string[] = [];
    const [timedOut, patientRun] = await Promise.all([looper, patient].map((id) => testPrehook(server, id, {}).then((run) => (ended.push(id), run))));
    expect(timedOut).toMatchObject({ ok: false, errorKind: 'TIMEOUT', result: null });
    expect(patientRun).toMatchObject({ ok: false, errorKind: 'TIMEOUT' });
    expect(ended).toEqual([looper, patient]);
    expect(timedOut!.durationMs).toBeLessThan(patientRun!.durationMs);
    const wrong = await createPrehook(server, { event: 'afterAuthentication', code: 'export default async () => ({ claims: { a: 1 } })' });
    expect(await testPrehook(server, wrong, {})).toMatchObject({
      ok: false,
      errorKind: 'INVALID_RESULT',
      error: expect.stringContaining('afterAuthentication'),
    });
  });

  it('refuses an unknown prehook and an oversized payload', async () => {
    const unknown = await server.gql(TEST, { id: '0190b7a4-6c4e-7000-8000-000000000000', payload: {} });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const id = await createPrehook(server, { event: 'beforeSignIn', code: 'export default async () => {}' });
    const big = await server.gql(TEST, { id, payload: { blob: 'x'.repeat(20_000) } });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'payload' });
  });
});

describe('the execution log (prehookRuns)', () => {
  it('lists real and test runs newest first, with error kind and message but not the results', async () => {
    await createUser(server, 'logged@local.test');
    const id = await createPrehook(server, {
      event: 'beforeSignIn',
      failurePolicy: 'CONTINUE',
      code: 'export default async (e) => { console.log("checking", e.email); if (e.email.startsWith("bad")) throw new Error("nope"); }',
    });
    await testPrehook(server, id, { email: 'test@local.test' });
    expect((await signIn(server, 'logged@local.test', 'local-pass-1')).status).toBe(200);
    expect((await signIn(server, 'bad@local.test', 'whatever-1')).status).toBe(401);
    const runs = await runsOf(server, id);
    expect(runs.map((run) => [run.ok, run.test, run.errorKind, run.result])).toEqual([
      [false, false, 'RUNTIME', null],
      [true, false, null, null],
      [true, true, null, null],
    ]);
    expect(runs[0]).toMatchObject({ error: 'Error: nope', errorLine: 1, prehookId: id, event: 'beforeSignIn' });
    expect(runs[1]!.log).toEqual([{ level: 'log', message: 'checking logged@local.test', atMs: expect.any(Number) }]);
    expect((await runsOf(server, id, 1)).map((run) => run.id)).toEqual([runs[0]!.id]);
  });

  it('keeps the last 100 runs per prehook, and goes with its prehook', async () => {
    const id = await createPrehook(server, { event: 'beforeSignIn', code: 'export default async () => {}' });
    const other = await createPrehook(server, { event: 'beforeSignIn', code: 'export default async () => { /* other */ }' });
    for (const prehook of [id, other]) {
      await server.sql(
        `insert into prehook_runs (id, prehook_id, event, ok, duration_ms, log, created_at)
         select gen_random_uuid(), ?, 'beforeSignIn', true, 1, '[]', now() - make_interval(secs => n) from generate_series(1, 150) n`,
        [prehook],
      );
    }
    const latest = await testPrehook(server, id, {});
    const runs = await runsOf(server, id, 100);
    expect(runs[0]!.id).toBe(latest.id);
    const [counts] = await server.sql<{ mine: number; theirs: number }>(
      'select count(*) filter (where prehook_id = ?)::int as mine, count(*) filter (where prehook_id = ?)::int as theirs from prehook_runs',
      [id, other],
    );
    expect(counts).toEqual({ mine: 100, theirs: 150 });
    ok(await server.gql('mutation($id: ID!) { deletePrehook(id: $id) }', { id }));
    expect(await server.sql('select id from prehook_runs where prehook_id = ?', [id])).toEqual([]);
  });

  it('validates its arguments', async () => {
    const id = await createPrehook(server, { event: 'beforeSignIn', code: 'export default async () => {}' });
    const tooMany = await server.gql('query($id: ID!) { prehookRuns(prehookId: $id, first: 1000) { id } }', { id });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const missing = await server.gql('{ prehookRuns(prehookId: "0190b7a4-6c4e-7000-8000-000000000000") { id } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
