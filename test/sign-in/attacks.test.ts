import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf, createPool, signIn, type SignInResponse } from '../support/sign-in.js';

// Attacks on the sign-in endpoint, through the real server. The server trusts loopback as its proxy, so
// each request names its client address in X-Forwarded-For, as a load balancer would.
let server: TestServer;
let peer: DirectoryPeer;

beforeAll(async () => {
  server = await startTestServer({ sources: [directorySource], env: { TRIBUTARY_TRUST_PROXY: 'loopback' } });
  peer = await startDirectoryPeer();
});
afterAll(async () => {
  await peer.close();
  await server.close();
});

const createUser = async (email: string, password: string) =>
  ok(await server.gql('mutation($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { email, password } })).createUser.id as string;
const counter = async (key: string) => (await server.sql<{ failures: number }>('select failures from sign_in_attempts where key = ?', [key]))[0]?.failures ?? 0;
const outcomes = async (email: string) => (await auditOf(server, email)).map((event) => event.outcome);
const count = (values: string[], value: string) => values.filter((item) => item === value).length;

describe('throttling under a burst', () => {
  it('40 parallel guesses on one account check at most the limit, and the owner still signs in from another address', async () => {
    await createUser('burst@attack.test', 'owner-password-1');
    const attacker = '203.0.113.66';
    const guesses = Array.from({ length: 40 }, (_, i) => (i === 39 ? 'owner-password-1' : `guess-${i}-password`));
    const answers = await Promise.all(guesses.map((password) => signIn(server, 'burst@attack.test', password, attacker)));

    const statuses = answers.map((answer) => answer.status);
    const checked = statuses.filter((status) => status !== 429).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(5);
    expect(count(statuses.map(String), '429')).toBeGreaterThanOrEqual(35);
    // The audit log agrees: at most five passwords were looked at, every other attempt was turned away unchecked.
    const events = await outcomes('burst@attack.test');
    expect(events.length).toBe(40);
    expect(events.length - count(events, 'too_many_attempts')).toBeLessThanOrEqual(5);
    expect(await counter('acct:burst@attack.test')).toBeLessThanOrEqual(5);

    // The attacker's address is blocked for this account; the owner, elsewhere, is not.
    expect((await signIn(server, 'burst@attack.test', 'owner-password-1', attacker)).status).toBe(429);
    expect((await signIn(server, 'burst@attack.test', 'owner-password-1', '198.51.100.20')).status).toBe(200);
  });

  it('one address can never lock an account for the others; several addresses can', async () => {
    await createUser('locked@attack.test', 'owner-password-2');
    // One address, far past its limit, spread over time so its blocks run out: the account keeps at most five of its failures.
    for (let i = 0; i < 5; i++) expect((await signIn(server, 'locked@attack.test', `wrong-${i}-password`, '203.0.113.1')).status).toBe(401);
    await server.sql("update sign_in_attempts set blocked_until = now() - interval '1 second' where key like 'acct-ip:locked@attack.test|%'");
    expect((await signIn(server, 'locked@attack.test', 'wrong-5-password', '203.0.113.1')).status).toBe(401);
    expect(await counter('acct-ip:locked@attack.test|203.0.113.1')).toBe(6);
    expect(await counter('acct:locked@attack.test')).toBe(5);
    expect((await signIn(server, 'locked@attack.test', 'owner-password-2', '198.51.100.21')).status).toBe(200);

    // Twenty failures from four addresses lock the account for everyone (and the owner's success before cleared the count).
    for (const address of ['203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.5']) {
      for (let i = 0; i < 5; i++) expect((await signIn(server, 'locked@attack.test', `wrong-${i}-password`, address)).status).toBe(401);
    }
    const locked = await signIn(server, 'locked@attack.test', 'owner-password-2', '198.51.100.22');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('anonymous attempts that end in 503 or 403 count against the address', async () => {
    const id = await createPool(server, { name: 'down', type: 'EXTERNAL', source: directorySource.key, config: peer.config() });
    try {
      await peer.setMode('down');
      const address = '203.0.113.99';
      const answers: number[] = [];
      for (let i = 0; i < 52; i++) answers.push((await signIn(server, `nobody-${i}@attack.test`, 'some-password', address)).status);
      expect(answers.slice(0, 50)).toEqual(Array(50).fill(503));
      expect(answers.slice(50)).toEqual([429, 429]);
      // The accounts tried were not charged: a source outage locks nobody out.
      expect(await counter('acct:nobody-0@attack.test')).toBe(0);
    } finally {
      await peer.setMode('up');
      ok(await server.gql('mutation($id: ID!) { deleteUserPool(id: $id) }', { id }));
    }
  });
});

describe('user enumeration', () => {
  let federatedPool: string;
  let disabledPool: string;

  beforeAll(async () => {
    federatedPool = randomUUID();
    await server.sql(
      `insert into user_pools (id, name, type, source, config, settings, position, enabled, created_at, updated_at) values (?, 'IdP', 'IDP_FEDERATION', 'oidc', '{}', '{}', 90, true, now(), now())`,
      [federatedPool],
    );
    disabledPool = await createPool(server, { name: 'disabled', type: 'EXTERNAL', source: directorySource.key, config: peer.config() });
    ok(await server.gql('mutation($id: ID!) { updateUserPool(id: $id, input: { enabled: false }) { id } }', { id: disabledPool }));
    const owned = (email: string, pool: string) =>
      server.sql(`insert into users (id, email, status, pool_id, external_id, created_at, updated_at) values (?, ?, 'ACTIVE', ?, ?, now(), now())`, [
        randomUUID(),
        email,
        pool,
        email,
      ]);
    await owned('federated@attack.test', federatedPool);
    await owned('stranded@attack.test', disabledPool);
    await createUser('local@attack.test', 'local-password-1');
  });

  it('a federated user and a user of a disabled pool get the answer of a wrong password, counted by the throttle', async () => {
    const wrong = await signIn(server, 'local@attack.test', 'not-the-password', '198.51.100.30');
    for (const email of ['federated@attack.test', 'stranded@attack.test']) {
      const answer = await signIn(server, email, 'any-password-1', '198.51.100.30');
      expect({ status: answer.status, body: answer.body }).toEqual({ status: wrong.status, body: wrong.body });
      expect(answer.body.error).toBe('invalid_credentials');
      expect(await counter(`acct-ip:${email}|198.51.100.30`)).toBe(1);
      expect((await auditOf(server, email)).at(-1)).toMatchObject({ outcome: 'invalid_credentials' });
    }
  });

  it('every failed path answers in the same time: medians of 30 samples within 10 %', async () => {
    // An external pool in front of a service that takes 40 ms: an unknown email pays for it, a local user does not.
    await createPool(server, { name: 'slow', type: 'EXTERNAL', source: directorySource.key, config: peer.config() });
    await peer.setMode('slow', { delayMs: 40 });
    try {
      const paths: Record<string, (i: number) => Promise<SignInResponse>> = {
        'local user, wrong password': () => signIn(server, 'local@attack.test', 'wrong-password-x', '198.51.100.40'),
        'unknown email': (i) => signIn(server, `unknown-${i}@attack.test`, 'wrong-password-x', '198.51.100.40'),
        'federated user': () => signIn(server, 'federated@attack.test', 'wrong-password-x', '198.51.100.40'),
        'user of a disabled pool': () => signIn(server, 'stranded@attack.test', 'wrong-password-x', '198.51.100.40'),
      };
      const times: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
      // Warm-up: the floor learns each path's natural time, as it does in the first minutes of a real server.
      for (let round = -5; round < 30; round++) {
        for (const [name, attempt] of Object.entries(paths)) {
          await server.sql('delete from sign_in_attempts');
          const started = performance.now();
          const answer = await attempt(round);
          const elapsed = performance.now() - started;
          expect(answer.status).toBe(401);
          if (round >= 0) times[name]!.push(elapsed);
        }
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
      const medians = Object.values(times).map(median);
      const spread = (Math.max(...medians) - Math.min(...medians)) / Math.min(...medians);
      expect(spread, JSON.stringify(Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)])))).toBeLessThan(0.1);
    } finally {
      await peer.setMode('up');
      await server.sql('delete from sign_in_attempts');
    }
  });
});
