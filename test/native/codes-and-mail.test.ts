import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredRows } from '@tributary/core';
import { createNativePool, postJson } from '../support/native.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';
import { codeIn, startSmtp, type Inbox } from '../support/smtp.js';

let server: TestServer;
let inbox: Inbox;
let poolId: string;
let address = 0;
/** A fresh client address per use: the per-address throttles stay out of the way of what each test checks. */
const from = () => `203.0.113.${++address}`;

beforeAll(async () => {
  inbox = await startSmtp();
  server = await startTestServer({ env: { TRIBUTARY_SMTP_URL: inbox.url, TRIBUTARY_TRUST_PROXY: 'loopback' } });
  poolId = await createNativePool(server, { publicRegistration: true });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await inbox?.close();
});

const PASSWORD = 'a quiet walk in the park';
const verify = (email: string, code: string, ip = from()) => postJson(server, '/auth/activation/verify', { email, code }, ip);
const resend = (email: string, ip: string) => postJson(server, '/auth/activation/send', { email }, ip);
const isActivation = (mail: { subject?: string }) => mail.subject === 'Your activation code';

/** Registers `email` and returns the code of its activation mail. */
async function registered(email: string): Promise<string> {
  expect((await postJson(server, '/auth/register', { pool_id: poolId, email, password: PASSWORD }, from())).status).toBe(201);
  return codeIn(await inbox.next(email, { match: isActivation }));
}

const statusOf = async (email: string) => (await server.sql<{ status: string }>('select status from users where email = ?', [email]))[0]?.status;
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('activation codes', () => {
  it('an expired code is refused (aged in the database)', async () => {
    const code = await registered('exp@example.com');
    await server.sql(
      "update one_time_codes set expires_at = now() - interval '1 second' where user_id = (select id from users where email = 'exp@example.com')",
    );
    const response = await verify('exp@example.com', code);
    expect(response).toMatchObject({ status: 400, body: { error: 'invalid_code' } });
    expect(await statusOf('exp@example.com')).toBe('PENDING_ACTIVATION');
    const [event] = await server.sql<{ outcome: string }>("select outcome from audit_events where action = 'activation' and target = 'exp@example.com'");
    expect(event!.outcome).toBe('invalid_code:expired');
  });

  it('five wrong guesses exhaust a code: then even the right one fails, until a new code is sent', async () => {
    const code = await registered('exh@example.com');
    for (let attempt = 0; attempt < 5; attempt++) expect((await verify('exh@example.com', wrong(code))).body.error).toBe('invalid_code');
    expect(await verify('exh@example.com', code)).toMatchObject({ status: 400, body: { error: 'invalid_code' } });
    expect(await statusOf('exh@example.com')).toBe('PENDING_ACTIVATION');
    const outcomes = (
      await server.sql<{ outcome: string }>(
        "select outcome from audit_events where action = 'activation' and target = 'exh@example.com' order by created_at, id",
      )
    ).map((event) => event.outcome);
    expect(outcomes).toEqual([...Array(5).fill('invalid_code:invalid'), 'invalid_code:exhausted']);

    const ip = from();
    expect((await resend('exh@example.com', ip)).status).toBe(202);
    const fresh = codeIn(await inbox.next('exh@example.com', { match: isActivation, after: 1 }));
    expect(await verify('exh@example.com', fresh)).toEqual({ status: 200, body: { status: 'ACTIVE' } });
  });

  it('guesses from one address count on the sign-in throttle', async () => {
    const code = await registered('thr@example.com');
    const ip = from();
    for (let attempt = 0; attempt < 5; attempt++) expect((await verify('thr@example.com', wrong(code), ip)).status).toBe(400);
    const blocked = await verify('thr@example.com', code, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toBe('too_many_attempts');
  });

  it('of concurrent checks of the right code exactly one succeeds', async () => {
    const code = await registered('race@example.com');
    const answers = await Promise.all(Array.from({ length: 8 }, () => verify('race@example.com', code)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 400 && answer.body.error === 'invalid_code')).toHaveLength(7);
    expect(await statusOf('race@example.com')).toBe('ACTIVE');
  });

  it('a resent code replaces the old one; resends are throttled, and unknown emails get the same 202', async () => {
    const first = await registered('re@example.com');
    const ip = from();
    // Three mails a quarter of an hour for this email from one address (the registration came from another), then no more.
    const answers = [];
    for (let n = 0; n < 6; n++) answers.push((await resend('re@example.com', ip)).status);
    expect(answers).toEqual([202, 202, 202, 202, 202, 202]);
    expect((await resend('nobody@example.com', ip)).status).toBe(202);
    const last = await inbox.next('re@example.com', { match: isActivation, after: 3 });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(inbox.to('re@example.com').filter(isActivation)).toHaveLength(4);
    expect(inbox.to('nobody@example.com')).toEqual([]);
    const outcomes = (
      await server.sql<{ outcome: string }>(
        "select outcome from audit_events where action = 'activation-send' and target = 're@example.com' order by created_at, id",
      )
    ).map((event) => event.outcome);
    // Each request is answered before its work (202 whatever happens), so their events may interleave.
    expect(outcomes.sort()).toEqual(['ok', 'ok', 'ok', 'too_many_attempts', 'too_many_attempts', 'too_many_attempts']);

    // Only the latest code works.
    expect((await verify('re@example.com', first)).status).toBe(400);
    expect((await verify('re@example.com', codeIn(last))).status).toBe(200);
  });
});

describe('the mail outbox', () => {
  it('holds mails while the SMTP server is down and delivers them when it is back: nothing lost, no code in the clear', async () => {
    await inbox.stop();
    try {
      for (const email of ['down1@example.com', 'down2@example.com']) {
        expect((await postJson(server, '/auth/register', { pool_id: poolId, email, password: PASSWORD }, from())).status).toBe(201);
      }
      // Failed attempts are recorded on the rows (the transport's error), which keep only sealed variables.
      await expect
        .poll(async () => (await server.sql<{ attempts: number }>('select attempts from mail_outbox')).filter((row) => row.attempts > 0).length, {
          timeout: 20_000,
        })
        .toBe(2);
      const rows = await server.sql<{ sealed_vars: string; last_error: string }>('select sealed_vars, last_error from mail_outbox');
      for (const row of rows) {
        expect(row.sealed_vars).toMatch(/^v1:/);
        expect(row.sealed_vars).not.toMatch(/\b\d{6}\b/);
        expect(row.last_error).toMatch(/ECONNREFUSED|ECONNECTION|connect/i);
      }
    } finally {
      await inbox.start();
    }
    // Retried with backoff from 2 s: delivered within the minute.
    const codes = [codeIn(await inbox.next('down1@example.com', { timeoutMs: 60_000 })), codeIn(await inbox.next('down2@example.com', { timeoutMs: 60_000 }))];
    await expect.poll(() => server.sql('select id from mail_outbox'), { timeout: 10_000 }).toEqual([]);
    expect(await verify('down1@example.com', codes[0]!)).toMatchObject({ status: 200 });
    expect((await signIn(server, 'down1@example.com', PASSWORD)).status).toBe(200);
  }, 120_000);

  it('the purge drops codes a day past their expiry and mails that can no longer be delivered', async () => {
    const code = await registered('old@example.com');
    const [user] = await server.sql<{ id: string }>("select id from users where email = 'old@example.com'");
    await server.sql("update one_time_codes set expires_at = now() - interval '25 hours' where user_id = ?", [user!.id]);
    await server.sql(
      "insert into mail_outbox (id, recipient, template, sealed_vars, created_at, expires_at) values ('0190c5e0-0000-7000-8000-0000000000aa', 'gone@example.com', 'activation', 'v1:x:y:z', now() - interval '1 hour', now() - interval '1 minute')",
    );
    const deleted = await purgeExpiredRows(server.app.database.orm.em.fork(), { auditRetentionDays: 0 });
    expect(deleted).toMatchObject({ one_time_codes: 1, mail_outbox: 1 });
    expect(await server.sql('select user_id from one_time_codes where user_id = ?', [user!.id])).toEqual([]);
    expect((await verify('old@example.com', code)).status).toBe(400);
  });
});
