import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAuth0, type FakeAuth0 } from '../../plugins/auth0/test/fake-auth0/server.js';
import { startAwsProxy, type AwsProxy } from '../../plugins/cognito/test/aws-proxy.js';
import { startCognitoLocal, type CognitoLocal } from '../../plugins/cognito/test/cognito-local.js';
import { createFixture, createUser } from '../../plugins/cognito/test/setup.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { poolsOf } from '../support/sign-in.js';
import { job, run, startJob } from './support.js';

/**
 * Imports through the real job runner from sources that page the way the providers do: Auth0 serves only
 * the first 1,000 users of GET /api/v2/users (past that, a users-export job), and AWS Cognito at most 60
 * users a ListUsers call (cognito-local ignores Limit, so the AWS-behaviour proxy pages its answer).
 */
const AUTH0_CLIENT = { id: 'tributary-paging-client', secret: 'auth0-paging-secret-0123456789' };
const KEYS = { accessKeyId: 'AKIATRIBUTARYPAGING', secretAccessKey: 'cognito-paging-secret-access-key-0123' };
const CONNECTION = 'Username-Password-Authentication';

let server: TestServer;
let fake: FakeAuth0;
let peer: CognitoLocal;
let proxy: AwsProxy;

function auth0Tenant(fake: FakeAuth0, users: number, prefix: string): void {
  fake.store.clients.set(AUTH0_CLIENT.id, {
    secret: AUTH0_CLIENT.secret,
    grants: ['client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm'],
  });
  for (let i = 0; i < users; i++)
    fake.store.addUser({ email: `${prefix}-${i}@auth0.test`, password: 'unused-password', email_verified: true, name: `User ${i}` });
}
const auth0Config = (fake: FakeAuth0) => ({ domain: fake.domain, clientId: AUTH0_CLIENT.id, clientSecret: AUTH0_CLIENT.secret, connection: CONNECTION });
const poolCount = async (poolId: string) => Number((await server.sql<{ n: string }>('select count(*) as n from users where pool_id = ?', [poolId]))[0]!.n);

beforeAll(async () => {
  [server, fake, peer] = await Promise.all([startTestServer(), startFakeAuth0(), startCognitoLocal()]);
  // The plugin runs in this process: trust the fake's self-signed certificate here.
  setDefaultCACertificates([...getCACertificates('default'), fake.ca]);
  proxy = await startAwsProxy(peer.endpoint, { credentials: KEYS });
}, 120_000);
afterAll(async () => {
  await Promise.all([fake?.close(), proxy?.close()]);
  await peer?.stop();
  await server?.close();
});

describe('Auth0 imports', () => {
  it('a tenant of 1,000 users or fewer is paged with GET /api/v2/users and starts no export', async () => {
    auth0Tenant(fake, 230, 'user');
    const pools = poolsOf(server, 'auth0');
    const poolId = await pools.create(auth0Config(fake));
    const done = await run(server, 'importUsers', poolId);
    expect(done.progress).toMatchObject({ seen: 230, created: 230 });
    expect(await poolCount(poolId)).toBe(230);
    expect(fake.store.calls.filter((call) => call === 'GET /users')).toHaveLength(3);
    expect(fake.store.calls.filter((call) => call.includes('/jobs'))).toEqual([]);
    await pools.cleanup();
  }, 120_000);

  it('imports all 1,200 users of a tenant past the 1,000-result window, through a users-export job, with progress', async () => {
    // The same tenant grown past 1,000 (one fake: two self-signed CAs with one subject confuse the trust store).
    fake.store.calls.length = 0;
    auth0Tenant(fake, 970, 'more');
    expect(fake.store.users.size).toBe(1200);
    const pools = poolsOf(server, 'auth0');
    const poolId = await pools.create(auth0Config(fake));
    const started = await startJob(server, 'importUsers', poolId);
    const seen: number[] = [];
    let done: any;
    await expect
      .poll(
        async () => {
          done = await job(server, started.id);
          seen.push(done.progress.seen);
          return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(done.status);
        },
        { timeout: 90_000, interval: 200 },
      )
      .toBe(true);
    expect(done.status, JSON.stringify(done.error)).toBe('SUCCEEDED');
    expect(done.progress).toMatchObject({ seen: 1200, created: 1200, failed: 0, conflicts: 0 });
    expect(await poolCount(poolId)).toBe(1200);
    // One export, read in pages; Auth0's paging stopped at the first page (which only told the total).
    expect(fake.store.calls.filter((call) => call === 'POST /jobs/users-exports')).toHaveLength(1);
    expect(fake.store.calls.filter((call) => call === 'GET /users')).toHaveLength(1);
    // The server keeps the pool's connection: the second page read on from the download the first one opened.
    expect(fake.store.calls.filter((call) => call.startsWith('GET /exports/'))).toHaveLength(1);
    expect([...fake.store.jobs.values()][0]).toMatchObject({ status: 'completed', format: 'json', connection: CONNECTION });
    expect(seen.every((value, i) => i === 0 || value >= seen[i - 1]!)).toBe(true);

    // Importing again reads a new export and changes nobody.
    const again = await run(server, 'importUsers', poolId);
    expect(again.progress).toMatchObject({ seen: 1200, created: 0, unchanged: 1200 });
    await pools.cleanup();
  }, 180_000);
});

describe('Cognito imports', () => {
  it('imports 130 users 60 at a time, following PaginationToken (AWS refuses a larger Limit)', async () => {
    const fixture = await createFixture(peer.admin);
    for (let i = 0; i < 130; i++) await createUser(peer.admin, fixture.poolId, `paged-${i}@cognito.test`, {}, null);
    const pools = poolsOf(server, 'cognito');
    const poolId = await pools.create({
      region: 'us-east-1',
      userPoolId: fixture.poolId,
      clientId: fixture.secretClientId,
      clientSecret: fixture.clientSecret,
      ...KEYS,
      endpoint: proxy.endpoint,
    });
    proxy.listLimits.length = 0;
    const done = await run(server, 'importUsers', poolId);
    // The fixture seeds a few users of its own besides the 130.
    const total = await poolCount(poolId);
    expect(total).toBeGreaterThan(130);
    expect(done.progress).toMatchObject({ seen: total, created: total, failed: 0 });
    const paged = await server.sql('select 1 from users where pool_id = ? and email like ?', [poolId, 'paged-%']);
    expect(paged).toHaveLength(130);
    expect(proxy.listLimits).toEqual(Array.from({ length: Math.ceil(total / 60) }, () => 60));
    await pools.cleanup();
  }, 180_000);
});
