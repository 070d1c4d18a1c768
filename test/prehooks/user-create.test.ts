import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { auditOf, createPool, signIn, verifyToken } from '../support/sign-in.js';
import { createPrehook, deleteAllPrehooks, runsOf } from './support.js';

let server: TestServer;
let peer: DirectoryPeer;
let poolId: string;

beforeAll(async () => {
  server = await startTestServer({ sources: [directorySource] });
  peer = await startDirectoryPeer();
  poolId = await createPool(server, { name: 'legacy', type: 'EXTERNAL', source: 'legacy-directory', config: peer.config(), settings: { jitMigration: true } });
});
afterEach(() => deleteAllPrehooks(server));
afterAll(async () => {
  await peer.close();
  await server.close();
});

const userRow = async (email: string) => (await server.sql<Record<string, any>>('select * from users where email = ?', [email]))[0];
const CREATE_USER = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id email tenant { id } profile metadata } }';

describe('beforeUserCreate on a first sign-in', () => {
  it('edits profile, metadata and tenant before the user exists; an unknown tenant is created', async () => {
    await createPrehook(server, {
      event: 'beforeUserCreate',
      code: `export default async (e) => ({
        profile: { name: e.user.profile.name.toUpperCase(), nickname: "ed" },
        metadata: { source: e.pool.name, trigger: e.trigger, roles: e.user.roles },
        tenantId: e.email.split("@")[1].split(".")[0],
      })`,
    });
    peer.addUser({ email: 'edit@acme.test', password: 'legacy-pass-1', name: 'Edith' });
    const response = await signIn(server, 'edit@acme.test', 'legacy-pass-1');
    expect(response.status).toBe(200);
    expect(await verifyToken(server, response.body.access_token)).toMatchObject({ tenant_id: 'acme', pool: poolId });
    expect(await userRow('edit@acme.test')).toMatchObject({
      tenant_id: 'acme',
      profile: { name: 'EDITH', nickname: 'ed', email_verified: true },
      metadata: { source: 'legacy', trigger: 'sign-in', roles: [] },
      migrated_from_id: poolId,
    });
  });

  it('a denial creates nothing and answers 403 with the reason', async () => {
    await createPrehook(server, {
      event: 'beforeUserCreate',
      code: 'export default async (e) => e.email.startsWith("contractor") ? { deny: "contractors sign in through the partner portal" } : {}',
    });
    peer.addUser({ email: 'contractor@acme.test', password: 'legacy-pass-1' });
    const denied = await signIn(server, 'contractor@acme.test', 'legacy-pass-1');
    expect(denied).toMatchObject({ status: 403, body: { error: 'access_denied', error_description: 'contractors sign in through the partner portal' } });
    expect(await userRow('contractor@acme.test')).toBeUndefined();
    expect((await auditOf(server, 'contractor@acme.test')).at(-1)).toMatchObject({ outcome: 'access_denied', details: { event: 'beforeUserCreate' } });
  });
});

describe('userMigrated', () => {
  it('is told of a just-in-time migration once, and cannot stop the sign-in even when it fails under DENY', async () => {
    const notify = await createPrehook(server, {
      event: 'userMigrated',
      code: 'export default async (e) => { console.log(e.email, e.pool.id, e.user.migratedFrom); }',
    });
    await createPrehook(server, { event: 'userMigrated', failurePolicy: 'DENY', code: 'export default async () => { throw new Error("webhook down"); }' });
    peer.addUser({ email: 'moved@acme.test', password: 'legacy-pass-1' });
    expect((await signIn(server, 'moved@acme.test', 'legacy-pass-1')).status).toBe(200);
    expect((await signIn(server, 'moved@acme.test', 'legacy-pass-1')).status).toBe(200);
    const runs = await runsOf(server, notify);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.log[0].message).toBe(`moved@acme.test ${poolId} ${poolId}`);
  });
});

describe('beforeUserCreate on admin createUser', () => {
  it('edits the user an admin creates (trigger admin, no pool)', async () => {
    await createPrehook(server, {
      event: 'beforeUserCreate',
      code: 'export default async (e) => ({ metadata: { trigger: e.trigger, hadPool: e.pool !== null }, profile: { locale: "en" }, tenantId: "admin-made" })',
    });
    const { createUser } = ok(await server.gql(CREATE_USER, { input: { email: 'made@local.test', password: 'local-pass-1', profile: { name: 'Made' } } }));
    expect(createUser).toMatchObject({ tenant: { id: 'admin-made' }, profile: { name: 'Made', locale: 'en' }, metadata: { trigger: 'admin', hadPool: false } });
  });

  it('a denial is FORBIDDEN with the reason; a failure under DENY names the prehook and kind, not the script’s message', async () => {
    const id = await createPrehook(server, { event: 'beforeUserCreate', code: 'export default async (e) => ({ deny: "only @corp.test addresses" })' });
    const denied = await server.gql(CREATE_USER, { input: { email: 'x@local.test' } });
    expect(denied.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('only @corp.test addresses') });
    ok(
      await server.gql(
        'mutation($id: ID!) { updatePrehook(id: $id, input: { code: "export default async () => { throw new Error(\\"s3cr3t\\"); }" }) { id } }',
        { id },
      ),
    );
    const failed = await server.gql(CREATE_USER, { input: { email: 'y@local.test' } });
    expect(failed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(failed.errors?.[0]?.message).toMatch(/failed \(runtime\)/);
    expect(failed.errors?.[0]?.message).not.toContain('s3cr3t');
    expect(await userRow('x@local.test')).toBeUndefined();
  });
});
