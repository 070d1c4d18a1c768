import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PURGE_BATCH, purgeExpiredRows, QUEUES } from '@tributary/core';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { refresh, signIn } from '../support/sign-in.js';

let server: TestServer;
beforeAll(async () => {
  // No scheduled purge: the counts below are this test's own.
  server = await startTestServer({ env: { TRIBUTARY_PURGE_INTERVAL_MINUTES: '0' } });
  ok(await server.gql('mutation { createUser(input: { email: "kept@purge.test", password: "kept-password-1" }) { id } }'));
});
afterAll(() => server.close());

const purge = (auditRetentionDays = 0) => purgeExpiredRows(server.app.database.orm.em.fork(), { auditRetentionDays });
const count = async (table: string, where = 'true') => Number((await server.sql<{ n: string }>(`select count(*) as n from ${table} where ${where}`))[0]!.n);

describe('purge of expired rows', () => {
  it('deletes what expired, keeps what a replay check still needs, and a replayed token within the grace still revokes its family', async () => {
    const first = await signIn(server, 'kept@purge.test', 'kept-password-1');
    const rotated = await refresh(server, first.body.refresh_token);
    expect(rotated.status).toBe(200);
    // The spent token expired six days ago (kept a week for replay checks); another token expired eight days ago.
    await server.sql("update refresh_tokens set expires_at = now() - interval '6 days' where used_at is not null");
    const old = await signIn(server, 'kept@purge.test', 'kept-password-1');
    await server.sql(
      "update refresh_tokens set expires_at = now() - interval '8 days' where family_id = (select family_id from refresh_tokens order by created_at desc limit 1)",
    );

    const [user] = await server.sql<{ id: string }>("select id from users where email = 'kept@purge.test'");
    const code = (age: string) =>
      server.sql(
        `insert into authorization_codes (code_hash, user_id, pool, amr, redirect_uri, created_at, expires_at) values (?, ?, 'local', '["pwd"]', 'https://app.test/cb', now(), now() - interval '${age}')`,
        [randomUUID(), user!.id],
      );
    await code('2 days');
    await code('1 hour');
    const poolId = randomUUID();
    await server.sql(
      `insert into user_pools (id, name, type, source, config, settings, position, enabled, created_at, updated_at) values (?, 'IdP', 'IDP_FEDERATION', 'oidc', '{}', '{}', 0, true, now(), now())`,
      [poolId],
    );
    const flow = (age: string) =>
      server.sql(
        `insert into federation_flows (id, pool_id, nonce, sealed_code_verifier, app_redirect_uri, created_at, expires_at) values (?, ?, 'n', 'sealed', 'https://app.test/cb', now(), now() - interval '${age}')`,
        [randomUUID(), poolId],
      );
    await flow('25 hours');
    await flow('10 minutes');
    // The OpenID Provider's models go once expired; a model without an expiry (none today) would stay.
    const model = (id: string, expiresAt: string) =>
      server.sql(`insert into openid_provider_models (kind, id, payload, expires_at) values ('AuthorizationCode', ?, '{}', ${expiresAt})`, [id]);
    await model('expired', "now() - interval '1 second'");
    await model('live', "now() + interval '1 minute'");
    await model('forever', 'null');
    const attempt = (key: string, window: string, blockedUntil: string | null) =>
      server.sql(
        `insert into sign_in_attempts (key, failures, window_started_at, blocked_until) values (?, 3, now() - interval '${window}', ${blockedUntil ? `now() + interval '${blockedUntil}'` : 'null'})`,
        [key],
      );
    await attempt('acct:stale@purge.test', '20 minutes', null);
    await attempt('acct:block-ended@purge.test', '40 minutes', '-16 minutes');
    await attempt('acct:recent-block@purge.test', '40 minutes', '-10 minutes');
    await attempt('acct:blocked@purge.test', '40 minutes', '30 minutes');
    await attempt('acct:counting@purge.test', '5 minutes', null);

    const deleted = await purge();
    expect(deleted).toMatchObject({ refresh_tokens: 1, authorization_codes: 1, federation_flows: 1, openid_provider_models: 1, sign_in_attempts: 2 });
    expect((await server.sql<{ id: string }>('select id from openid_provider_models order by id')).map((row) => row.id)).toEqual(['forever', 'live']);
    expect(await count('refresh_tokens', `family_id = (select family_id from refresh_tokens where used_at is not null)`)).toBe(2);
    expect((await server.sql<{ key: string }>('select key from sign_in_attempts order by key')).map((row) => row.key)).toEqual([
      'acct:blocked@purge.test',
      'acct:counting@purge.test',
      'acct:recent-block@purge.test',
    ]);
    expect(await count('authorization_codes')).toBe(1);
    expect(await count('federation_flows')).toBe(1);
    expect(old.status).toBe(200);
    expect((await refresh(server, old.body.refresh_token)).status).toBe(400);

    // The spent token, replayed within the grace: reuse is still recognised and the live token dies with its family.
    const replay = await refresh(server, first.body.refresh_token);
    expect(replay.body.error_description).toMatch(/reused/);
    expect((await refresh(server, rotated.body.refresh_token)).status).toBe(400);
  });

  it('goes through any backlog in batches, and keeps audit events unless a retention is set', async () => {
    const backlog = PURGE_BATCH * 2 + 17;
    await server.sql(
      `insert into sign_in_attempts (key, failures, window_started_at) select 'ip:198.51.100.' || i, 1, now() - interval '1 hour' from generate_series(1, ?) as i`,
      [backlog],
    );
    await server.sql(
      `insert into audit_events (id, actor, action, outcome, details, created_at) values (?, 'anonymous', 'sign-in', 'ok', '{}', now() - interval '31 days'), (?, 'anonymous', 'sign-in', 'ok', '{}', now() - interval '29 days')`,
      [randomUUID(), randomUUID()],
    );
    expect((await purge()).sign_in_attempts).toBe(backlog);
    expect(await count('audit_events', `created_at < now() - interval '28 days'`)).toBe(2);
    expect((await purge(30)).audit_events).toBe(1);
    expect(await count('audit_events', `created_at < now() - interval '28 days'`)).toBe(1);
  });

  it("runs on pg-boss's scheduler: one schedule for every node, each run a job that any node takes", async () => {
    // This suite's server has TRIBUTARY_PURGE_INTERVAL_MINUTES=0: no schedule.
    expect(await server.app.deps.jobs.boss.getSchedule(QUEUES.purge)).toBeNull();
    const node = await startTestServer({ sameDatabaseAs: server, env: { TRIBUTARY_PURGE_INTERVAL_MINUTES: '7' } });
    try {
      expect((await node.app.deps.jobs.boss.getSchedule(QUEUES.purge))?.cron).toBe('FREQ=MINUTELY;INTERVAL=7');
      await server.sql(`insert into sign_in_attempts (key, failures, window_started_at) values ('ip:203.0.113.8', 1, now() - interval '1 hour')`);
      // What the scheduler sends at each occurrence; either node's worker takes it.
      await node.app.deps.jobs.boss.send(QUEUES.purge, {});
      await expect.poll(() => count('sign_in_attempts', `key = 'ip:203.0.113.8'`), { timeout: 20_000 }).toBe(0);
    } finally {
      await node.close();
    }
  });

  it('runs from the CLI: pnpm tributary purge', async () => {
    await server.sql(`insert into sign_in_attempts (key, failures, window_started_at) values ('ip:203.0.113.9', 1, now() - interval '1 hour')`);
    const { stdout } = await promisify(execFile)('node', ['--no-node-snapshot', '--import', 'tsx', 'core/src/cli.ts', 'purge'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, DATABASE_URL: server.databaseUrl, TRIBUTARY_SECRET_KEY: server.secretKey, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toMatch(/^sign_in_attempts: 1 deleted$/m);
    expect(await count('sign_in_attempts', `key = 'ip:203.0.113.9'`)).toBe(0);
  });
});
