import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { freePort } from '../../plugins/kit/src/testing.js';
import { connectClient, createDatabase } from '../support/databases.js';

// Two real server processes on one database behind a round-robin proxy: what one node learns (a failed
// sign-in, a new signing key, a spent refresh token) the other knows, because PostgreSQL holds it all.
const ROOT = new URL('../..', import.meta.url).pathname;
const NODE_ARGS = ['--no-node-snapshot', '--import', './scripts/threadpool.mjs', '--import', 'tsx'];
const PASSWORD = 'two-nodes-pass-1';
const run = promisify(execFile);

let database: { url: string; drop: () => Promise<void> };
let env: Record<string, string>;
const nodes: { url: string; child: ChildProcess }[] = [];
let proxy: http.Server;
let proxyUrl: string;
const served = [0, 0];

async function startNode(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...NODE_ARGS, 'core/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`the server process exited (${child.exitCode})`);
    if (
      await fetch(`${url}/readyz`).then(
        (response) => response.ok,
        () => false,
      )
    )
      return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server process never became ready');
}

/** Round robin over the nodes, loopback only; the client's address goes on as X-Forwarded-For. */
function startProxy(): Promise<http.Server> {
  let next = 0;
  const server = http.createServer((req, res) => {
    const index = next++ % nodes.length;
    served[index]!++;
    const target = new URL(nodes[index]!.url);
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const post = async (base: string, path: string, body: Record<string, string>, form = false) => {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(body) : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
};
const signIn = (base: string, email: string, password = PASSWORD) => post(base, '/auth/sign-in', { email, password });
const refresh = (base: string, token: string) => post(base, '/auth/token', { grant_type: 'refresh_token', refresh_token: token }, true);
const jwks = async (base: string) => (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as JSONWebKeySet;

beforeAll(async () => {
  database = await createDatabase(inject('pgAdminUrl'));
  const adminKey = `trb_admin_${randomBytes(32).toString('base64url')}`;
  env = {
    DATABASE_URL: database.url,
    TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64'),
    TRIBUTARY_BOOTSTRAP_ADMIN_KEY: adminKey,
    TRIBUTARY_PURGE_INTERVAL_MINUTES: '0',
    TRIBUTARY_TRUST_PROXY: 'loopback',
  };
  // One after the other: the first runs the migrations.
  nodes.push(await startNode());
  nodes.push(await startNode());
  proxy = await startProxy();
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  for (const email of ['ann@two.test', 'bob@two.test']) {
    const response = await fetch(`${proxyUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ query: `mutation { createUser(input: { email: "${email}", password: "${PASSWORD}" }) { id } }` }),
    });
    expect(response.status).toBe(200);
  }
}, 90_000);
afterAll(async () => {
  proxy?.close();
  await Promise.all(nodes.map(({ child }) => child.exitCode === null && new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL'))));
  await database?.drop();
});

describe('two nodes on one database', () => {
  // First, before the second node has read the keys: a node caches the key rows (and their schedule) for 30 s.
  it('a key rotated with the CLI is published at once and, from its activation, signs on the other node', async () => {
    const db = await connectClient(database.url);
    const before = (await db.query<{ id: string }>('select id from signing_keys')).rows.map((row) => row.id);
    const { stdout } = await run(process.execPath, [...NODE_ARGS, 'core/src/cli.ts', 'keys', 'rotate'], {
      cwd: ROOT,
      env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    const kid = /new signing key (\S+)/.exec(stdout)![1]!;
    expect(before).not.toContain(kid);
    try {
      // It signs 330 s from now (the JWKS max-age plus a node's key cache): not yet on either node...
      const [row] = (await db.query<{ ahead: number }>('select extract(epoch from activates_at - now()) as ahead from signing_keys where id = $1', [kid])).rows;
      expect(Number(row!.ahead)).toBeGreaterThan(320);
      expect((await jwks(nodes[0]!.url)).keys.map((key) => key.kid)).toEqual(expect.arrayContaining([...before, kid]));
      const early = await signIn(nodes[0]!.url, 'ann@two.test');
      expect(decodeProtectedHeader(early.body.access_token!).kid).toBe(before[0]);
      // ...and once 330 s have passed (the schedule moved back instead of waiting), on the node that did not rotate it too.
      await db.query("update signing_keys set activates_at = activates_at - interval '331 seconds', retires_at = retires_at - interval '331 seconds'");
    } finally {
      await db.end();
    }
    const late = await signIn(nodes[1]!.url, 'ann@two.test');
    expect(late.status).toBe(200);
    expect(decodeProtectedHeader(late.body.access_token!).kid).toBe(kid);
    // A relying party holding the other node's JWKS (fetched before the switch) verifies it.
    await jwtVerify(late.body.access_token!, createLocalJWKSet(await jwks(nodes[0]!.url)), { typ: 'at+jwt' });
  }, 60_000);

  it('throttling counts failures across both nodes: at the limit the account is blocked on both', async () => {
    const statuses: number[] = [];
    const start = [...served];
    for (let i = 0; i < 8; i++) statuses.push((await signIn(proxyUrl, 'bob@two.test', 'wrong-password')).status);
    // Both nodes took failures, and together they stopped at the per-account-and-address limit of 5.
    expect(served[0]! - start[0]!).toBeGreaterThanOrEqual(4);
    expect(served[1]! - start[1]!).toBeGreaterThanOrEqual(4);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    for (const { url } of nodes) expect((await signIn(url, 'bob@two.test')).status).toBe(429);
  }, 60_000);

  it('a refresh token spent on one node is refused on the other, and the reuse revokes its family', async () => {
    const first = await signIn(nodes[0]!.url, 'ann@two.test');
    const rotated = await refresh(nodes[0]!.url, first.body.refresh_token!);
    expect(rotated.status).toBe(200);
    const replay = await refresh(nodes[1]!.url, first.body.refresh_token!);
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(replay.body.error_description).toMatch(/reused/);
    // The successor, issued by the first node, died with its family.
    expect((await refresh(nodes[0]!.url, rotated.body.refresh_token!)).status).toBe(400);
  }, 60_000);
});
