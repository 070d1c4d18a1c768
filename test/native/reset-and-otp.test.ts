import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { createNativePool, postJson } from '../support/native.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { createPool, refresh, signIn, verifyToken } from '../support/sign-in.js';
import { codeIn, startSmtp, type Inbox } from '../support/smtp.js';
import { createPrehook } from '../prehooks/support.js';

let server: TestServer;
let inbox: Inbox;
let peer: DirectoryPeer;
let otpPool: string;
let closedPool: string;
let address = 0;
/** A fresh client address per use: the throttles key on it, and each test stays clear of the others' counts. */
const from = () => `198.51.100.${++address}`;

beforeAll(async () => {
  inbox = await startSmtp();
  peer = await startDirectoryPeer();
  server = await startTestServer({
    sources: [directorySource],
    env: { TRIBUTARY_SMTP_URL: inbox.url, TRIBUTARY_MAIL_FROM: 'Tributary <accounts@example.com>', TRIBUTARY_TRUST_PROXY: 'loopback' },
  });
  otpPool = await createNativePool(server, { otpSignIn: true });
  closedPool = await createNativePool(server, { otpSignIn: false });
  // A user stored externally: the directory's pool owns them once they signed in.
  await createPool(server, { name: 'directory', type: 'EXTERNAL', source: directorySource.key, config: peer.config() });
  peer.addUser({ email: 'outside@dir.test', password: 'outside-pass-1' });
  expect((await signIn(server, 'outside@dir.test', 'outside-pass-1')).status).toBe(200);
});
afterAll(async () => {
  await server?.close();
  await peer?.close();
  await inbox?.close();
});

async function nativeUser(email: string, password: string, poolId = otpPool): Promise<string> {
  const { createUser } = ok(
    await server.gql('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { poolId, email, password, status: 'ACTIVE' } }),
  );
  return createUser.id;
}

const start = (path: string, email: string, ip = from()) => postJson(server, path, { email }, ip);
const finish = (email: string, code: string, newPassword: string, ip = from()) =>
  postJson(server, '/auth/password/reset/finish', { email, code, new_password: newPassword }, ip);
const verifyOtp = (email: string, code: string, ip = from()) => postJson(server, '/auth/otp/verify', { email, code }, ip);
const outboxFor = (email: string) => server.sql('select id from mail_outbox where recipient = ?', [email]);
const auditOf = (action: string, email: string) =>
  server.sql<{ outcome: string; details: Record<string, any> }>(
    'select outcome, details from audit_events where action = ? and target = ? order by created_at, id',
    [action, email],
  );
/** The starts answer before they work: wait until the request's audit event says what it did. */
const startOutcome = async (action: string, email: string): Promise<string> => {
  await expect.poll(async () => (await auditOf(action, email)).length, { timeout: 10_000 }).toBeGreaterThan(0);
  return (await auditOf(action, email)).at(-1)!.outcome;
};
/** A wrong code that cannot be the right one. */
const wrongFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('password reset', () => {
  it('answers 202 for any email, mails only a user whose password is kept here, then the code sets a new password and ends every session', async () => {
    await nativeUser('reset@native.test', 'granite-meadow-41');
    const session = await signIn(server, 'reset@native.test', 'granite-meadow-41');
    for (const email of ['nobody@native.test', 'outside@dir.test', 'reset@native.test']) {
      const answer = await start('/auth/password/reset/start', email);
      expect(answer).toEqual({ status: 202, body: {} });
    }
    const mail = await inbox.next('reset@native.test');
    expect(mail.subject).toBe('Your password reset code');
    expect(await startOutcome('password-reset-start', 'nobody@native.test')).toBe('not_mailed');
    expect(await startOutcome('password-reset-start', 'outside@dir.test')).toBe('not_mailed');
    expect(await outboxFor('nobody@native.test')).toEqual([]);
    expect(await outboxFor('outside@dir.test')).toEqual([]);
    expect(inbox.to('nobody@native.test')).toEqual([]);
    expect(inbox.to('outside@dir.test')).toEqual([]);

    expect(await finish('reset@native.test', codeIn(mail), 'brand-new-secret-7')).toEqual({ status: 204, body: {} });
    expect((await signIn(server, 'reset@native.test', 'granite-meadow-41')).status).toBe(401);
    expect((await signIn(server, 'reset@native.test', 'brand-new-secret-7')).status).toBe(200);
    expect((await refresh(server, session.body.refresh_token)).body.error).toBe('invalid_grant');
    // A code works once.
    expect((await finish('reset@native.test', codeIn(mail), 'another-secret-8')).body.error).toBe('invalid_code');
    expect((await auditOf('password-reset', 'reset@native.test')).map((event) => event.outcome)).toEqual(['ok', 'invalid_code']);
  });

  it('gives an unknown email, a user stored externally and a wrong code the same answer', async () => {
    await nativeUser('same@native.test', 'granite-meadow-42');
    await start('/auth/password/reset/start', 'same@native.test');
    const code = codeIn(await inbox.next('same@native.test'));
    const answers = [
      await finish('nobody@native.test', code, 'whatever-secret-1'),
      await finish('outside@dir.test', code, 'whatever-secret-1'),
      await finish('same@native.test', wrongFor(code), 'whatever-secret-1'),
    ];
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ status: 400, body: { error: 'invalid_code' } });
  });

  it('refuses a weak new password only to the code’s holder, and keeps the code for a better one', async () => {
    await nativeUser('weak@native.test', 'granite-meadow-43');
    await start('/auth/password/reset/start', 'weak@native.test');
    const code = codeIn(await inbox.next('weak@native.test'));
    // Without the right code a weak password is just a wrong code: nothing to probe accounts with.
    expect((await finish('weak@native.test', wrongFor(code), 'password')).body.error).toBe('invalid_code');
    expect(await finish('weak@native.test', code, 'password1')).toMatchObject({ status: 400, body: { error: 'weak_password' } });
    expect((await finish('weak@native.test', code, 'strong-enough-secret')).status).toBe(204);
    expect((await signIn(server, 'weak@native.test', 'strong-enough-secret')).status).toBe(200);
  });

  it('refuses an expired code and, after five wrong guesses, even the right one', async () => {
    const id = await nativeUser('expired@native.test', 'granite-meadow-44');
    await start('/auth/password/reset/start', 'expired@native.test');
    const expired = codeIn(await inbox.next('expired@native.test'));
    await server.sql("update one_time_codes set expires_at = now() - interval '1 second' where user_id = ?", [id]);
    expect((await finish('expired@native.test', expired, 'never-set-secret-1')).body.error).toBe('invalid_code');

    await start('/auth/password/reset/start', 'expired@native.test');
    const code = codeIn(await inbox.next('expired@native.test', { after: 1 }));
    expect(code).toMatch(/^\d{6}$/);
    for (let i = 0; i < 5; i++) expect((await finish('expired@native.test', wrongFor(code), 'never-set-secret-1')).body.error).toBe('invalid_code');
    expect((await finish('expired@native.test', code, 'never-set-secret-1')).body.error).toBe('invalid_code');
    expect((await auditOf('password-reset', 'expired@native.test')).map((event) => event.details.reason)).toEqual([
      'expired',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'invalid',
      'exhausted',
    ]);
    expect((await signIn(server, 'expired@native.test', 'granite-meadow-44')).status).toBe(200);
  });

  it('counts wrong codes on the sign-in throttle: one address gets five tries at an account', async () => {
    await nativeUser('throttled@native.test', 'granite-meadow-45');
    const ip = from();
    for (let i = 0; i < 5; i++) expect((await finish('throttled@native.test', '000000', 'never-set-secret-1', ip)).status).toBe(400);
    const blocked = await finish('throttled@native.test', '000000', 'never-set-secret-1', ip);
    expect(blocked).toMatchObject({ status: 429, body: { error: 'too_many_attempts' } });
    expect((await signIn(server, 'throttled@native.test', 'granite-meadow-45', ip)).status).toBe(429);
  });
});

describe('one-time-code sign-in', () => {
  it('signs a native user in with a mailed code: amr ["otp"], through the sign-in’s audit, and the refresh keeps it', async () => {
    const id = await nativeUser('otp@native.test', 'granite-meadow-46');
    expect(await start('/auth/otp/start', 'otp@native.test')).toEqual({ status: 202, body: {} });
    const mail = await inbox.next('otp@native.test');
    expect(mail.subject).toBe('Your sign-in code');
    const signedIn = await verifyOtp('OTP@native.test', codeIn(mail));
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String), id_token: expect.any(String) });
    expect(await verifyToken(server, signedIn.body.access_token)).toMatchObject({ sub: id, email: 'otp@native.test', amr: ['otp'], pool: 'local' });
    const refreshed = await refresh(server, signedIn.body.refresh_token);
    expect(await verifyToken(server, refreshed.body.access_token)).toMatchObject({ amr: ['otp'] });
    const [event] = await server.sql<{ outcome: string; details: Record<string, any> }>(
      "select outcome, details from audit_events where action = 'sign-in' and target = 'otp@native.test' order by created_at desc limit 1",
    );
    expect(event).toMatchObject({ outcome: 'ok', details: { method: 'otp' } });
    // Spent: the same code signs nobody in again.
    expect((await verifyOtp('otp@native.test', codeIn(mail))).body.error).toBe('invalid_code');
  });

  it('refuses a user stored externally, and a native pool without otpSignIn, exactly as an unknown email', async () => {
    await nativeUser('no-otp@native.test', 'granite-meadow-47', closedPool);
    for (const email of ['outside@dir.test', 'no-otp@native.test', 'ghost@native.test']) expect((await start('/auth/otp/start', email)).status).toBe(202);
    for (const email of ['outside@dir.test', 'no-otp@native.test', 'ghost@native.test']) expect(await startOutcome('otp-start', email)).toBe('not_mailed');
    expect(await outboxFor('outside@dir.test')).toEqual([]);
    expect(await outboxFor('no-otp@native.test')).toEqual([]);
    const answers = await Promise.all(['outside@dir.test', 'no-otp@native.test', 'ghost@native.test'].map((email) => verifyOtp(email, '123456')));
    for (const answer of answers) expect(answer).toEqual({ status: 400, body: { error: 'invalid_code', error_description: expect.any(String) } });
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
  });

  it('mails no code, reset or sign-in, to a user of a disabled native pool', async () => {
    const pool = await createNativePool(server, { otpSignIn: true });
    await nativeUser('disabled-pool@native.test', 'granite-meadow-53', pool);
    ok(await server.gql('mutation($id: ID!) { updateUserPool(id: $id, input: { enabled: false }) { id } }', { id: pool }));
    expect((await start('/auth/otp/start', 'disabled-pool@native.test')).status).toBe(202);
    expect((await start('/auth/password/reset/start', 'disabled-pool@native.test')).status).toBe(202);
    expect(await startOutcome('otp-start', 'disabled-pool@native.test')).toBe('not_mailed');
    expect(await startOutcome('password-reset-start', 'disabled-pool@native.test')).toBe('not_mailed');
    expect(await outboxFor('disabled-pool@native.test')).toEqual([]);
  });

  it('says in User.capabilities who may sign in with a code', async () => {
    await nativeUser('caps@native.test', 'granite-meadow-49');
    await nativeUser('caps-closed@native.test', 'granite-meadow-50', closedPool);
    ok(await server.gql('mutation { createUser(input: { email: "caps-local@here.test", password: "granite-meadow-51" }) { id } }'));
    const capability = async (email: string) =>
      ok(await server.gql('query($email: String!) { userByEmail(email: $email) { capabilities { oneTimeCode } } }', { email })).userByEmail.capabilities
        .oneTimeCode;
    expect(await capability('caps@native.test')).toBe(true);
    expect(await capability('caps-closed@native.test')).toBe(false);
    expect(await capability('caps-local@here.test')).toBe(false);
    expect(await capability('outside@dir.test')).toBe(false);
  });

  it('runs the sign-in’s prehooks: beforeSignIn may deny before the code is looked at, beforeTokenIssue adds claims', async () => {
    await nativeUser('hooked@native.test', 'granite-meadow-52');
    const deny = await createPrehook(server, {
      event: 'beforeSignIn',
      code: 'export default async (e) => { if (e.email === "hooked@native.test" && e.user?.pool) return { deny: "codes are paused for you" }; }',
    });
    const claims = await createPrehook(server, { event: 'beforeTokenIssue', code: 'export default async () => ({ claims: { via_hook: true } })' });
    try {
      await start('/auth/otp/start', 'hooked@native.test');
      const code = codeIn(await inbox.next('hooked@native.test'));
      expect(await verifyOtp('hooked@native.test', code)).toEqual({
        status: 403,
        body: { error: 'access_denied', error_description: 'codes are paused for you' },
      });
      ok(await server.gql('mutation($id: ID!) { deletePrehook(id: $id) }', { id: deny }));
      // The denial came before the code was checked: it still works.
      const signedIn = await verifyOtp('hooked@native.test', code);
      expect(signedIn.status).toBe(200);
      expect(await verifyToken(server, signedIn.body.access_token)).toMatchObject({ amr: ['otp'], via_hook: true });
    } finally {
      for (const id of [deny, claims]) await server.gql('mutation($id: ID!) { deletePrehook(id: $id) }', { id });
    }
  });

  it('refuses a code after five wrong guesses, and an expired one', async () => {
    const id = await nativeUser('guess@native.test', 'granite-meadow-48');
    await start('/auth/otp/start', 'guess@native.test');
    const code = codeIn(await inbox.next('guess@native.test'));
    for (let i = 0; i < 5; i++) expect((await verifyOtp('guess@native.test', wrongFor(code))).body.error).toBe('invalid_code');
    expect((await verifyOtp('guess@native.test', code)).body.error).toBe('invalid_code');
    await start('/auth/otp/start', 'guess@native.test');
    const next = codeIn(await inbox.next('guess@native.test', { after: 1 }));
    await server.sql("update one_time_codes set expires_at = now() - interval '1 second' where user_id = ?", [id]);
    expect((await verifyOtp('guess@native.test', next)).body.error).toBe('invalid_code');
    const reasons = await server.sql<{ reason: string }>(
      "select details->>'reason' as reason from audit_events where action = 'sign-in' and target = 'guess@native.test' order by created_at, id",
    );
    expect(reasons.map((row) => row.reason)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid', 'exhausted', 'expired']);
  });
});
