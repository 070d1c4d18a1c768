import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';

/** The server's clock: real time until a test sets it, so key activation is tested without waiting. */
let frozenAt: number | undefined;
const clock = () => frozenAt ?? Date.now();
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock });
  ok(await server.gql('mutation { createUser(input: { email: "kim@keys.test", password: "kim-password-1" }) { id } }'));
});
afterAll(() => server.close());

const jwksOf = async (node: TestServer) => (await (await fetch(`${node.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
const kidsOf = async (node: TestServer) => (await jwksOf(node)).keys.map((key) => key.kid);
const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
const accessToken = async (node: TestServer) => {
  const response = await signIn(node, 'kim@keys.test', 'kim-password-1');
  expect(response.status).toBe(200);
  return response.body.access_token as string;
};
const verifiesAt = async (token: string, jwks: JSONWebKeySet, at: number) => jwtVerify(token, createLocalJWKSet(jwks), { currentDate: new Date(at) });

describe('keys rotate', () => {
  it('publishes the next key at once, signs with it only once cached JWKS expired, and keeps the old key until its last token expired', async () => {
    const oldKid = kidOf(await accessToken(server));
    const { stdout } = await promisify(execFile)('node', ['--no-node-snapshot', '--import', 'tsx', 'core/src/cli.ts', 'keys', 'rotate'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, DATABASE_URL: server.databaseUrl, TRIBUTARY_SECRET_KEY: server.secretKey, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toMatch(/new signing key .* is in the JWKS now and signs from/);
    const [next] = await server.sql<{ id: string; activation_ms: string }>(
      'select id, (extract(epoch from activates_at) * 1000)::bigint as activation_ms from signing_keys where id <> ?',
      [oldKid],
    );
    const activation = Number(next!.activation_ms);
    // The JWKS may be cached 300 s and a node's key rows 30 s: the key signs only after both.
    expect(activation - Date.now()).toBeGreaterThan(300_000);

    // A node that reads the keys now publishes the new key at once, and still signs with the old one.
    const fresh = await startTestServer({ sameDatabaseAs: server, clock });
    try {
      expect((await kidsOf(fresh)).sort()).toEqual([oldKid, next!.id].sort());
      expect((await jwksOf(fresh)).keys.every((key) => key.d === undefined)).toBe(true);
      expect(kidOf(await accessToken(fresh))).toBe(oldKid);
    } finally {
      await fresh.close();
    }

    // Every node switches at the activation instant, whatever it cached.
    frozenAt = activation - 1;
    const lastOld = await accessToken(server);
    expect(kidOf(lastOld)).toBe(oldKid);
    frozenAt = activation;
    const firstNew = await accessToken(server);
    expect(kidOf(firstNew)).toBe(next!.id);
    await verifiesAt(firstNew, await jwksOf(server), frozenAt);

    // The old key's last token expires 15 minutes after the switch: until then its key is published.
    const { exp } = (await verifiesAt(lastOld, await jwksOf(server), activation)).payload;
    frozenAt = exp! * 1000 - 1;
    await expect(verifiesAt(lastOld, await jwksOf(server), frozenAt)).resolves.toBeTruthy();
    // Past its expiry (and a node's 30 s cache), the old key leaves the JWKS.
    frozenAt = activation + 15 * 60_000 + 31_000;
    expect(await kidsOf(server)).toEqual([next!.id]);
    expect(exp! * 1000).toBeLessThan(frozenAt);

    const [row] = await server.sql<{ sealed_private_jwk: string }>('select sealed_private_jwk from signing_keys limit 1');
    expect(row!.sealed_private_jwk).toMatch(/^v1:/);
  });
});
