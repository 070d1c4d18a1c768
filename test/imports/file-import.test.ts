// `pnpm tributary import`: export files with password hashes, imported by the CLI into a pool; the users
// then sign in over HTTP with their old passwords, and the first sign-in rehashes to argon2id.
import { execFile } from 'node:child_process';
import { createHash, pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { firebaseScrypt } from '@tributary/core';
import { configSource } from '../fixtures/test-sources.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';

const run = promisify(execFile);
// Each CLI run starts a Node process with tsx: seconds each on a loaded machine, and some tests run several.
vi.setConfig({ testTimeout: 180_000 });
const dir = mkdtempSync(join(tmpdir(), 'tributary-import-'));
let server: TestServer;
let poolId: string;

beforeAll(async () => {
  server = await startTestServer({ sources: [configSource] });
  const { createUserPool } = ok(
    await server.gql(`mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }`, {
      input: { name: 'Legacy', type: 'EXTERNAL', source: 'test-directory', config: { baseUrl: 'https://directory.example', region: 'eu', apiKey: 'k' } },
    }),
  );
  poolId = createUserPool.id;
});
afterAll(() => server.close());

const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const tributary = (args: string[]) =>
  run('node', ['--no-node-snapshot', '--import', 'tsx', 'core/src/cli.ts', 'import', '--pool', poolId, ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...process.env, DATABASE_URL: server.databaseUrl, LOG_LEVEL: 'silent' },
  });

const userRow = async (email: string) =>
  (
    await server.sql<{
      password_hash: string;
      pool_id: string | null;
      migrated_from_id: string | null;
      status: string;
      tenant_id: string | null;
      profile: any;
      metadata: any;
    }>('select password_hash, pool_id, migrated_from_id, status, tenant_id, profile, metadata from users where email = ?', [email])
  )[0];

/** Signs in with the old password over HTTP and checks the stored hash became argon2id. */
async function signsInAndRehashes(email: string, password: string) {
  const before = (await userRow(email))!.password_hash;
  expect(before).not.toMatch(/^\$argon2id\$/);
  expect((await signIn(server, email, `${password}x`)).status).toBe(401);
  const response = await signIn(server, email, password);
  expect(response.status).toBe(200);
  expect(response.body.access_token).toEqual(expect.any(String));
  expect((await userRow(email))!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect((await signIn(server, email, password)).status).toBe(200);
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');
const salt = Buffer.from('0f1e2d3c4b5a69788796a5b4c3d2e1f0', 'hex');

describe('import --format auth0', () => {
  const users = [
    {
      email: 'Ada@Auth0.test',
      email_verified: true,
      user_id: 'auth0|ada',
      name: 'Ada',
      app_metadata: { plan: 'pro' },
      password_hash: bcrypt.hashSync('ada-old-pass', 4),
    },
    {
      email: 'bob@auth0.test',
      user_id: 'auth0|bob',
      blocked: false,
      user_metadata: { theme: 'dark' },
      custom_password_hash: {
        algorithm: 'pbkdf2',
        hash: { value: `$pbkdf2-sha256$i=10000,l=32$${b64(salt)}$${b64(pbkdf2Sync('bob-old-pass', salt, 10_000, 32, 'sha256'))}`, encoding: 'utf8' },
      },
    },
    {
      email: 'cy@auth0.test',
      user_id: 'auth0|cy',
      custom_password_hash: {
        algorithm: 'sha256',
        hash: { value: createHash('sha256').update('cy-old-pass').update('pepper-salt').digest('hex'), encoding: 'hex' },
        salt: { value: 'pepper-salt', encoding: 'utf8', position: 'suffix' },
      },
    },
    { email: 'sso@auth0.test', user_id: 'google-oauth2|1' },
  ];

  it('imports users with bcrypt, PBKDF2 and salted SHA-256 hashes as local users of the pool, who sign in with their old password', async () => {
    const path = file('auth0.json', JSON.stringify(users));
    const { stdout } = await tributary(['--file', path, '--format', 'auth0', '--verify', 'ada@auth0.test=ada-old-pass']);
    expect(stdout).toContain('4 records; hash formats: bcrypt 1, pbkdf2-sha256 1, ssha256 1, none 1');
    expect(stdout).toContain('warning: 1 legacy hashes');
    expect(stdout).toContain('4 created, 0 updated, 0 unchanged, 0 conflicts');
    const ada = (await userRow('ada@auth0.test'))!;
    expect(ada).toMatchObject({ pool_id: null, migrated_from_id: poolId, status: 'ACTIVE', metadata: { plan: 'pro' } });
    expect(ada.profile).toEqual({ name: 'Ada', email_verified: true });
    expect(ada.tenant_id).not.toBeNull(); // AUTO_CREATE: the user's own tenant, as at a first sign-in
    // A user without a hash stays the pool's: the source signs them in, as before.
    expect(await userRow('sso@auth0.test')).toMatchObject({ pool_id: poolId, migrated_from_id: null, password_hash: null });
    await signsInAndRehashes('ada@auth0.test', 'ada-old-pass');
    await signsInAndRehashes('bob@auth0.test', 'bob-old-pass');
    await signsInAndRehashes('cy@auth0.test', 'cy-old-pass');
  });

  it('imported again, leaves every user unchanged and keeps the argon2id hashes of those who signed in', async () => {
    const { stdout } = await tributary(['--file', join(dir, 'auth0.json'), '--format', 'auth0']);
    expect(stdout).toContain('0 created, 0 updated, 4 unchanged, 0 conflicts');
    expect((await userRow('ada@auth0.test'))!.password_hash).toMatch(/^\$argon2id\$/);
    expect((await signIn(server, 'ada@auth0.test', 'ada-old-pass')).status).toBe(200);
  });
});

describe('import --format firebase', () => {
  const params = { rounds: 8, memCost: 10, saltSeparator: 'Bw==', signerKey: randomBytes(64).toString('base64') };

  it('imports an auth:export file with the project hash parameters; users sign in with their old password', async () => {
    const fbSalt = randomBytes(16);
    const passwordHash = (await firebaseScrypt('fran-old-pass', fbSalt, params)).toString('base64');
    const exported = {
      users: [
        {
          localId: 'fb-fran',
          email: 'fran@firebase.test',
          emailVerified: true,
          passwordHash,
          salt: fbSalt.toString('base64'),
          displayName: 'Fran',
          customAttributes: '{"tier":"gold"}',
          disabled: false,
        },
        { localId: 'fb-gus', email: 'gus@firebase.test', disabled: true },
      ],
    };
    const path = file('firebase.json', JSON.stringify(exported));
    const hashArgs = ['--hash-key', params.signerKey, '--salt-separator', params.saltSeparator, '--rounds', '8', '--mem-cost', '10'];
    const { stdout } = await tributary(['--file', path, '--format', 'firebase', ...hashArgs, '--verify', 'fran@firebase.test=fran-old-pass']);
    expect(stdout).toContain('2 records; hash formats: firebase-scrypt 1, none 1');
    expect(stdout).toContain('2 created');
    expect((await userRow('fran@firebase.test'))!.profile).toEqual({ name: 'Fran', claims: { tier: 'gold' }, email_verified: true });
    expect((await userRow('gus@firebase.test'))!.status).toBe('DISABLED');
    await signsInAndRehashes('fran@firebase.test', 'fran-old-pass');
  });

  it('refuses a file with hashes but without the project hash parameters, naming the record', async () => {
    const path = file(
      'firebase-noparams.json',
      JSON.stringify({ users: [{ localId: 'x', email: 'x@firebase.test', passwordHash: 'aGFzaA==', salt: 'c2FsdA==' }] }),
    );
    await expect(tributary(['--file', path, '--format', 'firebase'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('record 1: a password hash, but no project hash parameters'),
    });
    expect(await userRow('x@firebase.test')).toBeUndefined();
  });
});

describe('import --format csv', () => {
  it('imports a CSV with scrypt and {SSHA512} hashes (quoted, as RFC 4180 wants for commas); users sign in with their old password', async () => {
    const scrypt = `$scrypt$ln=10,r=8,p=1$${b64(salt)}$${b64(scryptSync('hal-old-pass', salt, 32, { N: 1024, r: 8, p: 1 }))}`;
    const path = file(
      'users.csv',
      [
        'email,password_hash,name,email_verified,external_id',
        `hal@csv.test,"${scrypt}","Hal, Jr.",true,h-1`,
        `ivy@csv.test,"{SSHA512}${Buffer.concat([createHash('sha512').update('ivy-old-pass').update(salt).digest(), salt]).toString('base64')}",Ivy,false,h-2`,
      ].join('\n'),
    );
    const { stdout } = await tributary(['--file', path, '--format', 'csv', '--verify', 'hal@csv.test=hal-old-pass']);
    expect(stdout).toContain('2 records; hash formats: scrypt 1, ssha512 1');
    expect((await userRow('hal@csv.test'))!.profile).toEqual({ name: 'Hal, Jr.', email_verified: true });
    await signsInAndRehashes('hal@csv.test', 'hal-old-pass');
    await signsInAndRehashes('ivy@csv.test', 'ivy-old-pass');
  });

  it('refuses a CSV with an unknown column before reading a user', async () => {
    const path = file('typo.csv', 'email,pasword_hash\njo@csv.test,x\n');
    await expect(tributary(['--file', path, '--format', 'csv'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown CSV column(s) pasword_hash'),
    });
  });
});

describe('detection, --verify and --dry-run', () => {
  const good = (n: number) => ({ email: `d${n}@detect.test`, user_id: `d${n}`, password_hash: bcrypt.hashSync(`pass-${n}`, 4) });

  it('refuses a file with a hash in an unknown format, naming its record, and writes nothing', async () => {
    const path = file(
      'unknown.json',
      JSON.stringify([
        good(1),
        good(2),
        { email: 'd3@detect.test', password_hash: '$1$saltsalt$qjXMvbEw8oaL.CzflDugX/' },
        good(4),
        { email: 'd5@detect.test', password_hash: '$2b$31$' + 'a'.repeat(53) },
      ]),
    );
    const failure = await tributary(['--file', path, '--format', 'auth0']).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('2 of 5 records cannot be imported; nothing was written');
    expect((failure as { stderr: string }).stderr).toMatch(/record 3: a password hash in no supported format[^\n]*\n\s*record 5: /);
    expect(await server.sql("select email from users where email like '%@detect.test'")).toEqual([]);
  });

  it('refuses records whose email, user id or hash would not fit the users table, naming them, and writes nothing', async () => {
    const long = `${'l'.repeat(250)}@detect.test`;
    const path = file(
      'too-long.json',
      JSON.stringify([
        good(11),
        { email: long, user_id: 'd12', password_hash: bcrypt.hashSync('pass-12', 4) },
        { email: 'd13@detect.test', user_id: 'u'.repeat(256) },
        { email: 'd14@detect.test', user_id: 'd14', password_hash: `$pbkdf2-sha256$i=1000$${'c2FsdA'.repeat(40)}$${'aGFzaA'.repeat(10)}` },
      ]),
    );
    const failure = await tributary(['--file', path, '--format', 'auth0']).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    const { stderr } = failure as { stderr: string };
    expect(stderr).toContain('3 of 4 records cannot be imported; nothing was written');
    expect(stderr).toMatch(/record 2: an email or user id longer than 255 characters/);
    expect(stderr).toMatch(/record 3: an email or user id longer than 255 characters/);
    expect(stderr).toMatch(/record 4: a password hash longer than 255 characters/);
    expect(await server.sql("select email from users where email like '%@detect.test'")).toEqual([]);
  });

  it('--verify with a wrong password refuses before writing anything', async () => {
    const path = file('verify.json', JSON.stringify([good(1), good(2)]));
    await expect(tributary(['--file', path, '--format', 'auth0', '--verify', 'd2@detect.test=not-pass-2'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("the password given does not match d2@detect.test's hash"),
    });
    await expect(tributary(['--file', path, '--format', 'auth0', '--verify', 'nobody@detect.test=x'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('the file has no user nobody@detect.test'),
    });
    expect(await server.sql("select email from users where email like '%@detect.test'")).toEqual([]);
  });

  it('--dry-run counts what would happen and writes nothing', async () => {
    const path = file(
      'dry.json',
      JSON.stringify([good(1), good(2), { email: 'ada@auth0.test', user_id: 'other|ada', password_hash: bcrypt.hashSync('x', 4) }]),
    );
    const before = await server.sql('select count(*)::int as n from users');
    const { stdout } = await tributary(['--file', path, '--format', 'auth0', '--dry-run']);
    expect(stdout).toContain('dry run, nothing written: 2 would be created');
    expect(await server.sql('select count(*)::int as n from users')).toEqual(before);
    expect(await server.sql("select id from tenants where name like '%@detect.test%'")).toEqual([]);
  });

  it('a native user holding an email of the file is a conflict, never overwritten', async () => {
    await server.sql(
      "insert into users (id, email, status, profile, metadata, password_hash, created_at, updated_at) values (gen_random_uuid(), 'native@detect.test', 'ACTIVE', '{\"name\":\"Native\"}', '{}', 'native-hash', now(), now())",
    );
    const path = file(
      'conflict.json',
      JSON.stringify([{ email: 'native@detect.test', user_id: 'n', name: 'Impostor', password_hash: bcrypt.hashSync('x', 4) }]),
    );
    const { stdout } = await tributary(['--file', path, '--format', 'auth0']);
    expect(stdout).toContain('0 created, 0 updated, 0 unchanged, 1 conflicts');
    expect(stdout).toContain('conflict at record 1: native@detect.test');
    expect(await userRow('native@detect.test')).toMatchObject({
      password_hash: 'native-hash',
      pool_id: null,
      migrated_from_id: null,
      profile: { name: 'Native' },
    });
  });
});

describe('a file import is a FILE_IMPORT pool job', () => {
  const jobsOf = async (kind = 'FILE_IMPORT') =>
    ok(
      await server.gql(
        `query ($filter: PoolJobFilterInput) { poolJobs(first: 50, filter: $filter) { nodes { id kind status dryRun error report startedAt finishedAt
           progress { seen created updated unchanged conflicts failed } } } }`,
        { filter: { poolId, kind } },
      ),
    ).poolJobs.nodes as any[];

  it('records each run in poolJobs (progress, report with the hash formats, status) and counts in the pool’s imported stats', async () => {
    const jobs = await jobsOf();
    // Every run of this file so far, newest first: refusals FAILED with their reason, the dry run, the imports.
    const first = jobs.at(-1);
    expect(first).toMatchObject({ kind: 'FILE_IMPORT', status: 'SUCCEEDED', dryRun: false, error: null });
    expect(first.progress).toEqual({ seen: 4, created: 4, updated: 0, unchanged: 0, conflicts: 0, failed: 0 });
    expect(first.report.file).toEqual({
      name: 'auth0.json',
      format: 'auth0',
      records: 4,
      formats: { bcrypt: 1, 'pbkdf2-sha256': 1, ssha256: 1, none: 1 },
      legacy: 1,
    });
    expect(first.report.created).toHaveLength(4);
    const refused = jobs.find((job) => job.error?.includes('2 of 5 records cannot be imported'));
    expect(refused).toMatchObject({ status: 'FAILED', progress: { seen: 5, failed: 2, created: 0 } });
    expect(jobs.find((job) => job.dryRun)).toMatchObject({ status: 'SUCCEEDED', progress: { created: 2 } });

    const { userPool } = ok(await server.gql(`query ($id: ID!) { userPool(id: $id) { stats { imported lastImportAt } } }`, { id: poolId }));
    const [count] = await server.sql<{ n: number }>(
      'select count(*)::int as n from users where (pool_id = ? or migrated_from_id = ?) and imported_at is not null',
      [poolId, poolId],
    );
    expect(count!.n).toBe(8); // auth0 4, firebase 2, csv 2
    expect(userPool.stats.imported).toBe(8);
    expect(new Date(userPool.stats.lastImportAt).getTime()).toBe(
      Math.max(...jobs.filter((job) => job.status === 'SUCCEEDED' && !job.dryRun).map((job) => new Date(job.finishedAt).getTime())),
    );
  });

  it('one job per pool: an import is refused while the pool has a live job; a command that died (no heartbeat for 2 minutes) is FAILED by the next one', async () => {
    const path = file('one.json', JSON.stringify([{ email: 'one@job.test', user_id: 'one' }]));
    const [live] = await server.sql<{ id: string }>(
      `insert into pool_jobs (id, pool_id, kind, status, dry_run, progress, report, attempt, created_at, started_at, updated_at)
       values (gen_random_uuid(), ?, 'FILE_IMPORT', 'RUNNING', false, '{}', '{}', 1, now(), now(), now()) returning id`,
      [poolId],
    );
    await expect(tributary(['--file', path, '--format', 'auth0'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`already has a job queued or running (FILE_IMPORT ${live!.id})`),
    });
    await server.sql(`update pool_jobs set updated_at = now() - interval '3 minutes' where id = ?`, [live!.id]);
    const { stdout } = await tributary(['--file', path, '--format', 'auth0']);
    expect(stdout).toContain('1 created');
    const dead = (await jobsOf()).find((job) => job.id === live!.id);
    expect(dead).toMatchObject({ status: 'FAILED', error: expect.stringContaining('the import command running it stopped') });
  });
});
