import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Credentials, ExternalConnection, Identity } from '../types.js';
import { assertIdentity, assertRejects, resolve, type ConformanceRunner, type Lazy } from './shared.js';

export interface WriteOptions {
  /** Profile given to createUser; each key must read back as written. Default `{ name: 'Conformance Writer' }`. */
  profile?: Record<string, unknown>;
  /** Profile given to updateUser; each key must read back as written. Default `{ name: 'Conformance Rewritten' }`. */
  updatedProfile?: Record<string, unknown>;
  /** Tenant ids written by createUser and updateUser; checked when identities carry a tenantId (the config names a tenant field). */
  tenantIds?: readonly [string, string];
  /** The user createUser makes. Default: a fresh address at the unknown email's domain, with the seed user's password. */
  newUser?: Lazy<Credentials>;
}

interface WriteContext {
  connection: () => ExternalConnection;
  seed: () => Credentials;
  unknownEmail: string;
  writes: WriteOptions;
}

function assertProfile(identity: Identity, expected: Record<string, unknown>, what: string): void {
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(identity.profile[key], value, `${what}: profile.${key}`);
}

/**
 * The write-back contract: a user made with createUser signs in, updateUser changes what getUser reads,
 * a disabled user is refused with REJECTED (never null, which would read as a wrong password), and a
 * write to a user the source no longer has is REJECTED (never "unavailable", which would read as an outage).
 * Steps run in order on one user; each is skipped when the source lacks its method.
 */
export function describeWrites(runner: ConformanceRunner, context: WriteContext): void {
  const { describe, it, beforeAll } = runner;
  const profile = context.writes.profile ?? { name: 'Conformance Writer' };
  const updatedProfile = context.writes.updatedProfile ?? { name: 'Conformance Rewritten' };
  const [firstTenant, secondTenant] = context.writes.tenantIds ?? ['conformance-tenant-1', 'conformance-tenant-2'];
  let user: Credentials;
  let created: Identity | undefined;
  let carriesTenant = false;

  const writable = () => Boolean(context.connection().createUser);
  /** The user createUser made; a failure there fails every later step with this message. */
  const made = (): Identity => {
    assert.ok(created, 'createUser did not succeed earlier in this suite');
    return created;
  };

  describe('write methods', () => {
    beforeAll(() => {
      const domain = context.unknownEmail.split('@')[1] ?? 'example.com';
      user = context.writes.newUser
        ? resolve(context.writes.newUser)
        : { email: `conformance-${randomUUID().slice(0, 8)}@${domain}`, password: context.seed().password };
    });

    it('createUser makes a user who signs in with the password given', async () => {
      const connection = context.connection();
      if (!connection.createUser) return;
      const identity = await connection.createUser({ email: user.email, password: user.password, profile, tenantId: firstTenant });
      assertIdentity(identity);
      created = identity;
      assert.equal(identity.email.toLowerCase(), user.email.toLowerCase());
      assertProfile(identity, profile, 'createUser');
      carriesTenant = identity.tenantId !== undefined;
      if (carriesTenant) assert.equal(identity.tenantId, firstTenant, 'createUser: tenantId');
      const signedIn = await connection.authenticate(user);
      assert.equal(signedIn?.externalId, identity.externalId, 'authenticate after createUser: externalId');
      if (connection.getUser) assert.equal((await connection.getUser(user.email))?.externalId, identity.externalId, 'getUser after createUser: externalId');
    });

    it('updateUser changes the profile and the tenant that getUser reads; tenantId null removes it', async () => {
      const connection = context.connection();
      if (!writable() || !connection.updateUser) return;
      const { externalId } = made();
      await connection.updateUser(externalId, { profile: updatedProfile, tenantId: secondTenant });
      if (!connection.getUser) return;
      const updated = await connection.getUser(user.email);
      assertIdentity(updated);
      assertProfile(updated, updatedProfile, 'getUser after updateUser');
      if (!carriesTenant) return;
      assert.equal(updated.tenantId, secondTenant, 'getUser after updateUser: tenantId');
      await connection.updateUser(externalId, { tenantId: null });
      assert.equal((await connection.getUser(user.email))?.tenantId, null, 'getUser after updateUser({ tenantId: null })');
    });

    it('disableUser: the user is refused with REJECTED, never null', async () => {
      const connection = context.connection();
      if (!writable() || !connection.disableUser) return;
      await connection.disableUser(made().externalId);
      await assertRejects(connection.authenticate(user), 'REJECTED', 'authenticate after disableUser');
      const read = await connection.getUser?.(user.email);
      if (read?.disabled !== undefined) assert.equal(read.disabled, true, 'getUser after disableUser: disabled');
    });

    it('enableUser: the user signs in again', async () => {
      const connection = context.connection();
      if (!writable() || !connection.enableUser) return;
      await connection.enableUser(made().externalId);
      assert.equal((await connection.authenticate(user))?.externalId, made().externalId, 'authenticate after enableUser');
    });

    it('deleteUser: the user is gone, and a write to them is REJECTED, never unavailable', async () => {
      const connection = context.connection();
      if (!writable() || !connection.deleteUser) return;
      const { externalId } = made();
      await connection.deleteUser(externalId);
      if (connection.getUser) assert.equal(await connection.getUser(user.email), null, 'getUser after deleteUser');
      assert.equal(await connection.authenticate(user), null, 'authenticate after deleteUser');
      await assertRejects(connection.deleteUser(externalId), 'REJECTED', 'deleteUser of a deleted user');
    });
  });
}
