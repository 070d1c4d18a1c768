import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { createTestContext, runSourceConformance } from '@tributary/plugin-kit/conformance';
import { validateConfig, type ExternalConnection } from '@tributary/plugin-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import auth0 from '../src/index.js';
import { connectAuth0 } from '../src/connection.js';
import { startFakeAuth0, type FakeAuth0 } from './fake-auth0/server.js';

const PASSWORD = 'Corr3ct-horse!';
const CLIENT = { id: 'tributary-client', secret: 'client-secret-value' };
let fake: FakeAuth0;
let source: ExternalConnection;
let alice: string;

const configFor = (overrides: Record<string, unknown> = {}) => ({
  domain: fake.domain,
  clientId: CLIENT.id,
  clientSecret: CLIENT.secret,
  connection: 'Username-Password-Authentication',
  tenantIdFieldName: 'tenantId',
  ...overrides,
});
const connect = (overrides: Record<string, unknown> = {}, timeoutMs = 3_000) =>
  connectAuth0(auth0.config.parse(configFor(overrides)), createTestContext({ timeoutMs }));

beforeAll(async () => {
  fake = await startFakeAuth0();
  // The SDKs only talk https to `domain`: trust the fake's self-signed certificate in this process
  // (NODE_EXTRA_CA_CERTS would have to be set before the worker starts).
  setDefaultCACertificates([...getCACertificates('default'), fake.ca]);
  fake.store.clients.set(CLIENT.id, { secret: CLIENT.secret, grants: ['client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm'] });
  alice = fake.store.addUser({
    email: 'alice@example.com',
    password: PASSWORD,
    email_verified: true,
    name: 'Alice Liddell',
    given_name: 'Alice',
    app_metadata: { tenantId: 'tenant-1' },
    user_metadata: { plan: 'gold' },
    roles: ['admin', 'viewer'],
  }).user_id;
  fake.store.addUser({ email: 'bob@example.com', password: PASSWORD, blocked: true, app_metadata: { tenantId: 'tenant-2' } });
  fake.store.addUser({ email: 'carol@example.com', password: PASSWORD, connection: 'other-db' });
  source = connect();
});
afterAll(() => fake?.close());

runSourceConformance({
  source: auth0,
  config: () => configFor(),
  seedUser: { email: 'alice@example.com', password: PASSWORD },
  unknownEmail: 'nobody@example.com',
  runner: { describe, it, beforeAll, afterAll },
  // user_metadata round-trips under profile; the tenant is app_metadata.tenantId.
  writes: { profile: { name: 'Dave' }, updatedProfile: { name: 'David', user_metadata: { plan: 'silver' } } },
});

describe('auth0: authenticate', () => {
  it('maps profile, tenant from app_metadata and roles by name', async () => {
    expect(await source.authenticate({ email: 'alice@example.com', password: PASSWORD })).toEqual({
      externalId: alice,
      email: 'alice@example.com',
      emailVerified: true,
      profile: { name: 'Alice Liddell', given_name: 'Alice', user_metadata: { plan: 'gold' } },
      tenantId: 'tenant-1',
      roles: ['admin', 'viewer'],
      disabled: false,
    });
  });

  it('uses the plain password grant without a connection', async () => {
    expect(await connect({ connection: undefined }).authenticate({ email: 'alice@example.com', password: PASSWORD })).toMatchObject({ externalId: alice });
  });

  it('returns null for a wrong password, an unknown user and a user of another connection', async () => {
    expect(await source.authenticate({ email: 'alice@example.com', password: 'wrong' })).toBeNull();
    expect(await source.authenticate({ email: 'ghost@example.com', password: PASSWORD })).toBeNull();
    expect(await source.authenticate({ email: 'carol@example.com', password: PASSWORD })).toBeNull();
  });

  it('rejects a blocked user with a reason', async () => {
    await expect(source.authenticate({ email: 'bob@example.com', password: PASSWORD })).rejects.toMatchObject({ code: 'REJECTED', message: /blocked/ });
  });
});

describe('auth0: users', () => {
  async function listAll(cursor?: string | null, from: ExternalConnection = source) {
    const listed: string[] = [];
    let pages = 0;
    do {
      const page = await from.listUsers!(cursor);
      listed.push(...page.users.map((user) => user.externalId));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 30);
    return { listed, pages };
  }

  /** Listings are scoped to the configured connection, paged or exported (carol is in another one). */
  const inConnection = () =>
    new Set([...fake.store.users.values()].filter((user) => user.identities[0]?.connection === 'Username-Password-Authentication').map((user) => user.user_id));

  it('listUsers pages a small tenant with GET /api/v2/users and starts no export', async () => {
    fake.store.calls.length = 0;
    const { listed, pages } = await listAll();
    expect(new Set(listed)).toEqual(inConnection());
    expect(listed).not.toContain(fake.store.byEmail('carol@example.com')[0]!.user_id);
    expect(pages).toBe(1);
    // Without a connection configured, the whole tenant.
    const { listed: all } = await listAll(null, connect({ connection: undefined }));
    expect(new Set(all)).toEqual(new Set(fake.store.users.keys()));
    expect(fake.store.calls.filter((call) => call.includes('jobs'))).toEqual([]);
  });

  it('past 1,000 users listUsers reads a users-export job (Auth0 refuses to page further), listing each user once', async () => {
    for (let i = 0; i < 1050; i++)
      fake.store.addUser({ email: `bulk-${i}@example.com`, password: PASSWORD, app_metadata: { tenantId: `t-${i % 3}` }, user_metadata: { n: i } });
    fake.store.calls.length = 0;
    // Throttled while polling the job: the wait Auth0 asks for is honoured, not an error.
    fake.faults.push({
      path: /^\/api\/v2\/jobs\/job_/,
      status: 429,
      body: { statusCode: 429, error: 'Too Many Requests', message: 'Global limit has been reached', errorCode: 'too_many_requests' },
      headers: { 'retry-after': '1' },
      times: 1,
    });
    const first = await source.listUsers!();
    expect(first.users).toHaveLength(1000);
    expect(first.users.find((user) => user.email === 'bulk-7@example.com')).toMatchObject({ tenantId: 't-1', profile: { user_metadata: { n: 7 } } });
    const rest = await listAll(first.cursor);
    const listed = [...first.users.map((user) => user.externalId), ...rest.listed];
    expect(listed).toHaveLength(inConnection().size);
    expect(new Set(listed)).toEqual(inConnection());
    expect(rest.pages).toBe(1);
    // One export for the whole listing, scoped to the configured connection's id.
    expect(fake.store.calls.filter((call) => call === 'POST /jobs/users-exports')).toHaveLength(1);
    // The second page read on from the download the first page opened.
    expect(fake.store.calls.filter((call) => call.startsWith('GET /exports/'))).toHaveLength(1);
    const [job] = [...fake.store.jobs.values()];
    expect(job).toMatchObject({ format: 'json', connection: 'Username-Password-Authentication', connection_id: expect.stringMatching(/^con_/) });
    expect(fake.faults).toEqual([expect.objectContaining({ times: 0 })]);
    fake.faults.length = 0;
  });

  it('a resumed listing continues the same export at its line, and starts a new export when Auth0 has dropped the job', async () => {
    const first = await source.listUsers!();
    const jobs = fake.store.jobs.size;
    // Another process (the job resumed after a restart) downloads the same export and skips to the cursor's line.
    const downloads = fake.store.calls.filter((call) => call.startsWith('GET /exports/')).length;
    const resumed = await connect().listUsers!(first.cursor);
    expect(fake.store.jobs.size).toBe(jobs);
    expect(fake.store.calls.filter((call) => call.startsWith('GET /exports/'))).toHaveLength(downloads + 1);
    expect(new Set([...first.users, ...resumed.users].map((user) => user.externalId))).toEqual(inConnection());

    fake.store.jobs.clear(); // Auth0 deletes finished jobs and their files after a while
    // A job resumed later, in a new process: its export is gone (the open download of `source` would still serve it).
    const later = connect();
    const expired = await later.listUsers!(first.cursor);
    expect(expired.users).toEqual([]);
    expect(fake.store.jobs.size).toBe(1);
    const again = await listAll(expired.cursor, later);
    expect(new Set(again.listed)).toEqual(inConnection());
  });

  it('an export whose download link is always expired is started again a few times, then the listing fails UNAVAILABLE', async () => {
    fake.store.exportPolls = 0;
    fake.faults.push({ path: /^\/exports\//, status: 403, body: { message: 'Request has expired' } });
    const jobs = fake.store.jobs.size;
    try {
      const fresh = connect();
      // The first export, then three new ones: each answers 403 on download.
      let cursor = (await fresh.listUsers!()).cursor;
      for (let i = 0; i < 2; i++) {
        const page = await fresh.listUsers!(cursor);
        expect(page.users).toEqual([]);
        cursor = page.cursor;
      }
      await expect(fresh.listUsers!(cursor)).rejects.toMatchObject({ name: 'SourceUnavailable', message: /expired 4 times/ });
      expect(fake.store.jobs.size).toBe(jobs + 4);
    } finally {
      fake.faults.length = 0;
      fake.store.exportPolls = 2;
    }
  });

  it('GET /api/v2/users itself refuses to page past the first 1,000 results (the fake keeps Auth0 honest)', async () => {
    const response = await fetch(`https://${fake.domain}/api/v2/users?page=10&per_page=100`, {
      headers: { authorization: `Bearer ${[...fake.store.tokens][0]}` },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorCode: 'invalid_paging' });
  });
});

describe('auth0: config, test() and failures', () => {
  it('names the field in config errors', () => {
    const result = validateConfig(auth0, { domain: 'https://acme.auth0.com', clientId: 'x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path).sort()).toEqual(['clientSecret', 'domain']);
    expect(auth0.secretFields).toEqual(['clientSecret']);
  });

  it('test() passes, and explains a bad secret and a client without the password grant', async () => {
    expect(await source.test!()).toMatchObject({ ok: true });
    const bad = await connect({ clientSecret: 'wrong-secret' }).test!();
    expect(bad).toMatchObject({ ok: false, details: { code: 'INVALID_CONFIG' }, message: expect.stringContaining('clientSecret') });
    expect(JSON.stringify(bad)).not.toContain('wrong-secret');
    fake.store.clients.set('m2m-only', { secret: CLIENT.secret, grants: ['client_credentials'] });
    expect(await connect({ clientId: 'm2m-only' }).test!()).toMatchObject({ ok: false, message: expect.stringContaining('Password grant') });
  });

  it('peer down → SourceUnavailable', async () => {
    const down = connect({ domain: '127.0.0.1:1' });
    await expect(down.authenticate({ email: 'alice@example.com', password: PASSWORD })).rejects.toMatchObject({ name: 'SourceUnavailable' });
    await expect(down.listUsers!()).rejects.toMatchObject({ name: 'SourceUnavailable' });
    expect(await down.test!()).toMatchObject({ ok: false, details: { code: 'UNAVAILABLE' } });
  });

  it('429 too_many_attempts → RATE_LIMITED with retryAfterMs', async () => {
    fake.faults.push({
      path: /^\/oauth\/token$/,
      status: 429,
      body: { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' },
      headers: {
        'x-ratelimit-limit': '10',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 30),
        'retry-after': '30',
      },
    });
    try {
      await expect(connect().authenticate({ email: 'alice@example.com', password: PASSWORD })).rejects.toMatchObject({
        code: 'RATE_LIMITED',
        retryAfterMs: 30_000,
      });
    } finally {
      fake.faults.length = 0;
    }
  });

  it('5xx from the Management API → UNAVAILABLE', async () => {
    fake.faults.push({ path: /^\/api\/v2\//, status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: 'down' } });
    try {
      await expect(source.authenticate({ email: 'alice@example.com', password: PASSWORD })).rejects.toMatchObject({
        name: 'SourceUnavailable',
        code: 'UNAVAILABLE',
      });
    } finally {
      fake.faults.length = 0;
    }
  });
});
