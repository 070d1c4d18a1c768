import { createHash } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import bcrypt from 'bcryptjs';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { firebaseScrypt, formatFirebaseScryptHash, signInTimings, type SignInTiming } from '@tributary/core';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf, refresh, signIn, verifyIdToken, verifyToken } from '../support/sign-in.js';
import { createPrehook, deleteAllPrehooks, updatePrehook } from '../prehooks/support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  ok(await server.gql('mutation { createTenant(input: { id: "acme", name: "Acme" }) { id } }'));
  ok(await server.gql('mutation { createRole(input: { key: "admin", name: "Admin" }) { id } }'));
  ok(
    await server.gql(
      'mutation { createUser(input: { email: "ann@acme.test", password: "ann-password-1", tenantId: "acme", roleKeys: ["admin"], profile: { name: "Ann" } }) { id } }',
    ),
  );
});
afterAll(() => server.close());

describe('local sign-in', () => {
  it('signs in a local user and issues tokens an app can verify with the JWKS', async () => {
    const response = await signIn(server, ' ANN@acme.test ', 'ann-password-1');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const access = await verifyToken(server, response.body.access_token);
    expect(access).toMatchObject({ email: 'ann@acme.test', tenant_id: 'acme', roles: ['admin'], pool: 'local', amr: ['pwd'] });
    const [user] = await server.sql<{ id: string; last_sign_in_at: Date | null }>("select id, last_sign_in_at from users where email = 'ann@acme.test'");
    expect(access.sub).toBe(user!.id);
    expect(user!.last_sign_in_at).not.toBeNull();
    const id = await verifyIdToken(server, response.body.id_token);
    expect(id).toMatchObject({ sub: user!.id, email: 'ann@acme.test', name: 'Ann', email_verified: false });
    expect(response.body.refresh_token).toMatch(/^rt_/);
  });

  it('signs its tokens as ES256 JWS with the active key’s kid: access tokens typed at+jwt (RFC 9068), ID tokens JWT', async () => {
    const response = await signIn(server, 'ann@acme.test', 'ann-password-1');
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    for (const [token, typ] of [
      [response.body.access_token, 'at+jwt'],
      [response.body.id_token, 'JWT'],
    ] as const) {
      const [header, , signature] = (token as string).split('.');
      expect(JSON.parse(Buffer.from(header!, 'base64url').toString('utf8'))).toEqual({ alg: 'ES256', kid: jwks.keys[0]!.kid, typ });
      // JWS wants the raw r‖s (64 bytes), not DER.
      expect(Buffer.from(signature!, 'base64url')).toHaveLength(64);
    }
    expect(await verifyToken(server, response.body.access_token)).toMatchObject({ aud: 'tributary', client_id: 'tributary-app' });
    expect(await verifyIdToken(server, response.body.id_token)).toMatchObject({ aud: 'tributary-app' });
  });

  it('an ID token is refused where an access token is expected: another audience and another type', async () => {
    const { id_token: idToken } = (await signIn(server, 'ann@acme.test', 'ann-password-1')).body;
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    // An API that checks only the audience, and one that checks only the type, both refuse it.
    await expect(jwtVerify(idToken, jwks, { issuer: server.url, audience: 'tributary' })).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
    await expect(jwtVerify(idToken, jwks, { issuer: server.url, typ: 'at+jwt' })).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'typ',
    });
    await expect(verifyToken(server, idToken)).rejects.toThrow();
  });

  it('publishes each sign-in’s timing on diagnostics_channel tributary:sign-in, without who signed in', async () => {
    const seen: SignInTiming[] = [];
    const listener = (message: unknown) => seen.push(message as SignInTiming);
    subscribe(signInTimings.name, listener);
    try {
      expect((await signIn(server, 'ann@acme.test', 'ann-password-1')).status).toBe(200);
      expect((await signIn(server, 'ann@acme.test', 'wrong-password-1')).status).toBe(401);
      expect((await signIn(server, 'nobody-timed@acme.test', 'whatever-password')).status).toBe(401);
    } finally {
      unsubscribe(signInTimings.name, listener);
    }
    expect(seen.map((timing) => timing.outcome)).toEqual(['ok', 'invalid_credentials', 'invalid_credentials']);
    // The pool that decided (the local store), or none for an email nobody has: a pool id, never the user.
    expect(seen.map((timing) => timing.pool)).toEqual(['local', 'local', 'none']);
    for (const timing of seen) {
      expect(Object.keys(timing).sort()).toEqual(['hashMs', 'outcome', 'pool', 'totalMs']);
      // argon2id (19 MiB, t=2) takes milliseconds, also for the dummy hash of an unknown email.
      expect(timing.hashMs).toBeGreaterThan(1);
      expect(timing.totalMs).toBeGreaterThan(timing.hashMs);
    }
  });

  it('answers a wrong password and an unknown email the same way, in comparable time', async () => {
    const wrong = await signIn(server, 'ann@acme.test', 'not-her-password');
    const unknown = await signIn(server, 'nobody@acme.test', 'whatever-password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error).toBe('invalid_credentials');
    const time = async (email: string) => {
      const started = performance.now();
      await signIn(server, email, 'another-wrong-pw');
      return performance.now() - started;
    };
    const known: number[] = [];
    const missing: number[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(await time(`timing-known@acme.test`));
      missing.push(await time(`timing-missing-${i}@acme.test`));
    }
    // Both paths verify one argon2id hash: a miss must not answer an order of magnitude faster.
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    expect(median(missing)).toBeGreaterThan(median(known) / 3);
  });

  it('refuses a disabled user only after the right password', async () => {
    ok(await server.gql('mutation { createUser(input: { email: "off@acme.test", password: "off-password-1", status: DISABLED }) { id } }'));
    expect((await signIn(server, 'off@acme.test', 'wrong-password')).status).toBe(401);
    const right = await signIn(server, 'off@acme.test', 'off-password-1');
    expect(right.status).toBe(403);
    expect(right.body.error).toBe('access_denied');
  });

  it('refuses malformed requests with 400', async () => {
    const response = await fetch(`${server.url}/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"a@b.c"}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('verifies imported bcrypt and Firebase scrypt hashes, then rehashes them to argon2id', async () => {
    const bcryptHash = await bcrypt.hash('imported-bcrypt-1', 8);
    const params = { rounds: 8, memCost: 14, saltSeparator: 'Bw==', signerKey: Buffer.from('firebase-signer-key-for-tests-0123456789').toString('base64') };
    const salt = Buffer.from('salty-salt');
    const scryptHash = formatFirebaseScryptHash(params, salt.toString('base64'), (await firebaseScrypt('imported-scrypt-1', salt, params)).toString('base64'));
    for (const [email, hash, password] of [
      ['bcrypt@import.test', bcryptHash, 'imported-bcrypt-1'],
      ['scrypt@import.test', scryptHash, 'imported-scrypt-1'],
    ]) {
      await server.sql(
        "insert into users (id, email, status, profile, metadata, password_hash, created_at, updated_at) values (gen_random_uuid(), ?, 'ACTIVE', '{}', '{}', ?, now(), now())",
        [email, hash],
      );
      expect((await signIn(server, email!, 'wrong-password-x')).status).toBe(401);
      expect((await signIn(server, email!, password!)).status).toBe(200);
      const [row] = await server.sql<{ password_hash: string }>('select password_hash from users where email = ?', [email]);
      expect(row!.password_hash).toMatch(/^\$argon2id\$/);
      expect((await signIn(server, email!, password!)).status).toBe(200);
    }
  });

  it('records every outcome in the audit log, never the password', async () => {
    await signIn(server, 'audit@acme.test', 'audit-secret-password');
    const events = await auditOf(server, 'ann@acme.test');
    expect(events.map((event) => event.outcome)).toEqual(expect.arrayContaining(['ok', 'invalid_credentials']));
    expect(events[0]!.details).toMatchObject({ pool: 'local' });
    expect(typeof events[0]!.details.durationMs).toBe('number');
    const all = JSON.stringify(await server.sql('select * from audit_events'));
    expect(all).not.toContain('audit-secret-password');
    expect(all).not.toContain('ann-password-1');
  });
});

describe('refresh tokens', () => {
  it('rotates on use; reuse of a rotated token revokes the whole family', async () => {
    const first = (await signIn(server, 'ann@acme.test', 'ann-password-1')).body;
    const second = await refresh(server, first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(await verifyToken(server, second.body.access_token)).toMatchObject({ email: 'ann@acme.test', pool: 'local', amr: ['pwd'] });
    const replay = await refresh(server, first.refresh_token);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    // The thief's replay also kills the legitimate holder's newer token.
    expect((await refresh(server, second.body.refresh_token)).status).toBe(400);
    const rows = await server.sql<{ token_hash: string }>('select token_hash from refresh_tokens');
    expect(JSON.stringify(rows)).not.toContain(first.refresh_token);
  });

  it('a refresh grant is one statement; with a beforeTokenIssue prehook, a read before the prehook and then that statement', async () => {
    const tokenStatements = async (token: string) => {
      // Spied, not replaced: every query runs. Only the refresh tokens' statements count (the server's jobs and caches query too).
      const pool = (await server.app.database.orm.em.getConnection().getNativeClient()) as Pool & { Client: typeof import('pg').Client };
      const spy = vi.spyOn(pool.Client.prototype, 'query');
      try {
        const answer = await refresh(server, token);
        expect(answer.status).toBe(200);
        const texts = spy.mock.calls.map(([config]) => (typeof config === 'string' ? config : (config as { text: string }).text));
        const count = texts.filter((text) => text.includes('token_hash')).length;
        return { token: answer.body.refresh_token as string, access: answer.body.access_token as string, count };
      } finally {
        spy.mockRestore();
      }
    };
    const first = (await signIn(server, 'ann@acme.test', 'ann-password-1')).body;
    const plain = await tokenStatements(first.refresh_token);
    expect(plain.count).toBe(1);
    await createPrehook(server, { event: 'beforeTokenIssue', code: 'export default async () => ({ claims: { checked: true } })' });
    try {
      const hooked = await tokenStatements(plain.token);
      expect(hooked.count).toBe(2);
      expect(await verifyToken(server, hooked.access)).toMatchObject({ checked: true, roles: ['admin'] });
      expect(await familyOf(hooked.token)).toMatchObject({ tokens: 3, revoked: 0 });
    } finally {
      await deleteAllPrehooks(server);
    }
  });

  it('a refresh that fails before its new tokens exist (a beforeTokenIssue prehook crashed) leaves the old token usable, its family alive', async () => {
    const first = (await signIn(server, 'ann@acme.test', 'ann-password-1')).body;
    const hook = await createPrehook(server, {
      event: 'beforeTokenIssue',
      code: 'export default async () => { throw new Error("down"); }',
      failurePolicy: 'DENY',
    });
    try {
      const failed = await refresh(server, first.refresh_token);
      expect(failed.status).toBe(400);
      expect(failed.body.error).toBe('invalid_grant');
      await updatePrehook(server, hook, { enabled: false });
      const retried = await refresh(server, first.refresh_token);
      expect(retried.status).toBe(200);
      expect((await refresh(server, retried.body.refresh_token)).status).toBe(200);
      expect(await familyOf(first.refresh_token)).toMatchObject({ tokens: 3, revoked: 0 });
    } finally {
      await deleteAllPrehooks(server);
    }
  });

  it('refuses unknown tokens and other grant types', async () => {
    expect((await refresh(server, 'rt_forged')).body.error).toBe('invalid_grant');
    const response = await fetch(`${server.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"password"}',
    });
    expect(response.status).toBe(400);
  });

  it('concurrent uses of one refresh token: one wins, the others are replays that revoke its family', async () => {
    const { refresh_token } = (await signIn(server, 'ann@acme.test', 'ann-password-1')).body;
    const results = await Promise.all(Array.from({ length: 6 }, () => refresh(server, refresh_token)));
    const won = results.filter((result) => result.status === 200);
    expect(won).toHaveLength(1);
    expect(results.filter((result) => result.status === 400 && result.body.error === 'invalid_grant')).toHaveLength(5);
    // One successor only, and it died with the family: a thief racing the holder gets nothing that lasts.
    const family = await familyOf(refresh_token);
    expect(family).toMatchObject({ tokens: 2, revoked: 2 });
    expect((await refresh(server, won[0]!.body.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('a token whose family was revoked is refused and not spent, even when its own row escaped the revocation', async () => {
    const first = (await signIn(server, 'ann@acme.test', 'ann-password-1')).body;
    const second = (await refresh(server, first.refresh_token)).body;
    // As when a rotation commits while a replay's revocation runs: that update never saw the successor.
    await server.sql('update refresh_tokens set revoked_at = now() where token_hash = ?', [hashOf(first.refresh_token)]);
    const refused = await refresh(server, second.refresh_token);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    const [row] = await server.sql<{ used_at: Date | null }>('select used_at from refresh_tokens where token_hash = ?', [hashOf(second.refresh_token)]);
    expect(row!.used_at).toBeNull();
    expect(await familyOf(first.refresh_token)).toMatchObject({ tokens: 2, revoked: 1 });
  });
});

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** How many tokens the family of `token` holds, and how many of them are revoked. */
async function familyOf(token: string): Promise<{ tokens: number; revoked: number }> {
  const [family] = await server.sql<{ tokens: string; revoked: string }>(
    `select count(*) as tokens, count(*) filter (where revoked_at is not null) as revoked from refresh_tokens
     where family_id = (select family_id from refresh_tokens where token_hash = ?)`,
    [hashOf(token)],
  );
  return { tokens: Number(family!.tokens), revoked: Number(family!.revoked) };
}
