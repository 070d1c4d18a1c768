import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { poolsOf, refresh, signIn } from '../support/sign-in.js';

let server: TestServer;
let peer: DirectoryPeer;
let pools: ReturnType<typeof poolsOf>;

beforeAll(async () => {
  server = await startTestServer({ sources: [directorySource], env: { TRIBUTARY_TRUST_PROXY: 'loopback' } });
  pools = poolsOf(server, directorySource.key);
  peer = await startDirectoryPeer();
});
afterEach(async () => {
  await pools.cleanup();
  await peer.reset();
});
afterAll(async () => {
  await peer.close();
  await server.close();
});

const SET_PASSWORD = 'mutation($id: ID!, $password: String!) { setUserPassword(id: $id, password: $password) { id email } }';

async function localUser(email: string, password: string): Promise<string> {
  const { createUser } = ok(await server.gql('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { email, password } }));
  return createUser.id;
}

async function change(accessToken: string | null, body: Record<string, unknown>, from?: string) {
  const response = await fetch(`${server.url}/auth/password/change`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
      ...(from ? { 'x-forwarded-for': from } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

const audit = (action: string, target: string) =>
  server.sql<{ outcome: string; actor: string; details: Record<string, any> }>(
    'select outcome, actor, details from audit_events where action = ? and target = ? order by created_at, id',
    [action, target],
  );

describe('setUserPassword', () => {
  it('applies the password policy, naming the password argument', async () => {
    const id = await localUser('policy@here.test', 'first-pass-123');
    for (const [password, reason] of [
      ['short1', /at least 8/],
      ['password123', /too common/],
      ['x-policy@here.test', /email/],
      ['a'.repeat(129), /at most 128/],
    ] as const) {
      const response = await server.gql(SET_PASSWORD, { id, password });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
      expect(response.errors?.[0]?.message).toMatch(reason);
      expect(response.errors?.[0]?.message).not.toContain(password);
    }
    expect((await signIn(server, 'policy@here.test', 'first-pass-123')).status).toBe(200);
  });

  it('replaces the password and ends every session: an old refresh token fails, the new password signs in', async () => {
    const id = await localUser('reset-by-admin@here.test', 'before-admin-1');
    const first = await signIn(server, 'reset-by-admin@here.test', 'before-admin-1');
    const second = await signIn(server, 'reset-by-admin@here.test', 'before-admin-1');
    expect(ok(await server.gql(SET_PASSWORD, { id, password: 'after-admin-set-2' })).setUserPassword).toMatchObject({ id });
    for (const session of [first, second]) expect((await refresh(server, session.body.refresh_token)).body.error).toBe('invalid_grant');
    expect((await signIn(server, 'reset-by-admin@here.test', 'before-admin-1')).status).toBe(401);
    expect((await signIn(server, 'reset-by-admin@here.test', 'after-admin-set-2')).status).toBe(200);
    // The access token of an ended session changes nothing any more.
    expect((await change(first.body.access_token, { current_password: 'after-admin-set-2', new_password: 'sneaky-change-3' })).body?.error).toBe(
      'invalid_token',
    );
    const [event] = await server.sql<{ outcome: string; details: unknown }>(
      "select outcome, details from audit_events where action = 'setUserPassword' and target = ?",
      [id],
    );
    expect(event?.outcome).toBe('ok');
    expect(JSON.stringify(event)).not.toContain('after-admin-set-2');
  });

  it('refuses a user of an EXTERNAL pool (its source checks the password) and an unknown user', async () => {
    const poolId = await pools.create(peer.config());
    peer.addUser({ email: 'outside@dir.test', password: 'outside-pass-1' });
    expect((await signIn(server, 'outside@dir.test', 'outside-pass-1')).status).toBe(200);
    const [user] = await server.sql<{ id: string }>("select id from users where email = 'outside@dir.test'");
    const refused = await server.gql(SET_PASSWORD, { id: user!.id, password: 'local-now-12345' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.errors?.[0]?.message).toContain(poolId);
    expect((await server.sql<{ password_hash: string | null }>('select password_hash from users where id = ?', [user!.id]))[0]!.password_hash).toBeNull();
    const missing = await server.gql(SET_PASSWORD, { id: '00000000-0000-4000-8000-000000000000', password: 'whatever-12345' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('POST /auth/password/change', () => {
  it('needs a valid access token of this service', async () => {
    await localUser('token@here.test', 'token-pass-123');
    const { body } = await signIn(server, 'token@here.test', 'token-pass-123');
    const payload = { current_password: 'token-pass-123', new_password: 'new-token-pass-4' };
    for (const token of [null, 'not-a-token', body.id_token, `${body.access_token.slice(0, -4)}AAAA`]) {
      const response = await change(token, payload);
      expect(response.status).toBe(401);
      expect(response.body?.error).toBe('invalid_token');
      expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    }
    expect((await signIn(server, 'token@here.test', 'token-pass-123')).status).toBe(200);
  });

  it('changes the password, keeps this session and revokes the others', async () => {
    await localUser('changer@here.test', 'old-changer-pass');
    const here = await signIn(server, 'changer@here.test', 'old-changer-pass');
    const elsewhere = await signIn(server, 'changer@here.test', 'old-changer-pass');
    const response = await change(here.body.access_token, { current_password: 'old-changer-pass', new_password: 'quiet-river-stone-9' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
    expect((await refresh(server, elsewhere.body.refresh_token)).body.error).toBe('invalid_grant');
    expect((await refresh(server, here.body.refresh_token)).status).toBe(200);
    expect((await signIn(server, 'changer@here.test', 'old-changer-pass')).status).toBe(401);
    expect((await signIn(server, 'changer@here.test', 'quiet-river-stone-9')).status).toBe(200);
    expect((await audit('password-change', 'changer@here.test')).map((event) => event.outcome)).toEqual(['ok']);
  });

  it('refuses a weak new password and a wrong current one, without changing anything', async () => {
    await localUser('careful@here.test', 'careful-pass-1');
    const { body } = await signIn(server, 'careful@here.test', 'careful-pass-1');
    const weak = await change(body.access_token, { current_password: 'careful-pass-1', new_password: 'iloveyou' });
    expect(weak).toMatchObject({ status: 400, body: { error: 'weak_password' } });
    const wrong = await change(body.access_token, { current_password: 'not-my-password', new_password: 'steady-horse-42' });
    expect(wrong).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
    expect((await change(body.access_token, { current_password: 'careful-pass-1' })).body?.error).toBe('invalid_request');
    expect((await signIn(server, 'careful@here.test', 'careful-pass-1')).status).toBe(200);
    expect((await audit('password-change', 'careful@here.test')).map((event) => event.outcome)).toEqual(['invalid_credentials']);
  });

  it('counts wrong current passwords on the sign-in’s own throttle: the same limit, and a block that holds for both', async () => {
    await localUser('guessed@here.test', 'guessed-pass-1');
    const from = '203.0.113.7';
    const { body } = await signIn(server, 'guessed@here.test', 'guessed-pass-1', from);
    // One failed sign-in and four wrong current passwords reach the five failures one address may have on an account.
    expect((await signIn(server, 'guessed@here.test', 'wrong-guess-0', from)).status).toBe(401);
    for (let i = 1; i < 5; i++) {
      expect((await change(body.access_token, { current_password: `wrong-guess-${i}`, new_password: 'steady-horse-43' }, from)).status).toBe(401);
    }
    const blocked = await change(body.access_token, { current_password: 'guessed-pass-1', new_password: 'steady-horse-43' }, from);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signIn(server, 'guessed@here.test', 'guessed-pass-1', from)).status).toBe(429);
    // Another address is not blocked, and the password did not change.
    expect((await signIn(server, 'guessed@here.test', 'guessed-pass-1', '203.0.113.8')).status).toBe(200);
  });

  it('refuses users whose password their pool’s source keeps', async () => {
    await pools.create(peer.config());
    peer.addUser({ email: 'sourced@dir.test', password: 'sourced-pass-1' });
    const { body } = await signIn(server, 'sourced@dir.test', 'sourced-pass-1');
    const response = await change(body.access_token, { current_password: 'sourced-pass-1', new_password: 'sourced-pass-2x' });
    expect(response).toMatchObject({ status: 403, body: { error: 'access_denied' } });
  });
});
