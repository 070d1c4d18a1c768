import assert from 'node:assert/strict';
import type { z } from 'zod';
import type { Credentials, ExternalConnection, PoolSource, SourceContext, UserPage } from '../types.js';
import {
  assertIdentity,
  assertSecretsStayOut,
  connectWith,
  createTestContext,
  describeDefinition,
  messages,
  resolve,
  type ConformanceRunner,
  type Lazy,
} from './shared.js';
import { describeWrites, type WriteOptions } from './writes.js';

export interface ConformanceOptions<S extends z.ZodType> {
  source: PoolSource<'EXTERNAL', S>;
  /** A config that reaches the running peer. */
  config: Lazy<unknown>;
  /** A user that exists at the peer with this password, enabled. */
  seedUser: Lazy<Credentials>;
  /** An email no user at the peer has. */
  unknownEmail: string;
  runner: ConformanceRunner;
  /** Defaults to `createTestContext()`; pass `createTestContext({ services })` for a source that needs core's services. */
  context?: () => SourceContext;
  /** Max pages listUsers is walked before giving up finding the seed user. */
  maxPages?: number;
  /** What the write methods (createUser ... deleteUser) are checked with; they are checked when the source has createUser. */
  writes?: WriteOptions;
}

/** The contract every EXTERNAL source must keep, as a test suite a plugin runs against its real peer. */
export function runSourceConformance<S extends z.ZodType>(options: ConformanceOptions<S>): void {
  const { source, runner, unknownEmail } = options;
  const { describe, it, beforeAll, afterAll } = runner;
  const makeContext = options.context ?? (() => createTestContext());
  let connection: ExternalConnection;
  let seed: Credentials;

  describe(`${source.key}: pool source conformance`, () => {
    beforeAll(async () => {
      connection = await connectWith(source, resolve(options.config), makeContext());
      seed = resolve(options.seedUser);
    });
    afterAll(async () => {
      await connection?.close?.();
    });

    describeDefinition(runner, source, 'EXTERNAL', options.config);

    it('authenticates good credentials to a matching identity', async () => {
      const identity = await connection.authenticate(seed);
      assertIdentity(identity);
      assert.equal(identity.email.toLowerCase(), seed.email.toLowerCase());
      if (connection.getUser) {
        const same = await connection.getUser(seed.email);
        assert.equal(same?.externalId, identity.externalId, 'getUser and authenticate disagree on externalId');
      }
    });

    it('returns null for a wrong password', async () => {
      assert.equal(await connection.authenticate({ email: seed.email, password: `${seed.password}-wrong` }), null);
    });

    it('returns null for an unknown user', async () => {
      assert.equal(await connection.authenticate({ email: unknownEmail, password: seed.password }), null);
    });

    it('getUser finds the seed user and returns null for an unknown one', async () => {
      if (!connection.getUser) return;
      assertIdentity(await connection.getUser(seed.email));
      assert.equal(await connection.getUser(unknownEmail), null);
    });

    it('listUsers pages through Identities and reaches the seed user', async () => {
      if (!connection.listUsers) return;
      let cursor: string | null | undefined;
      let found = false;
      for (let page = 0; page < (options.maxPages ?? 50) && !found; page++) {
        const result: UserPage = await connection.listUsers(cursor);
        assert.ok(Array.isArray(result.users), 'users must be an array');
        for (const user of result.users) assertIdentity(user);
        found = result.users.some((user) => user.email.toLowerCase() === seed.email.toLowerCase());
        cursor = result.cursor;
        if (cursor === undefined || cursor === null) break;
        assert.equal(typeof cursor, 'string', 'cursor must be a string, null or absent');
      }
      assert.ok(found, 'seed user not found by listUsers');
    });

    it('never puts secret values in errors, test results or logs', async () => {
      await assertSecretsStayOut(source, resolve(options.config), makeContext(), async (bad, seen) => {
        await bad.authenticate(seed).catch((error: unknown) => seen.push(messages(error)));
        await bad.authenticate({ email: seed.email, password: 'wrong' }).catch((error: unknown) => seen.push(messages(error)));
      });
    });

    it('test() reports ok for the good config', async () => {
      if (!connection.test) return;
      const result = await connection.test();
      assert.equal(result.ok, true, result.message);
      assert.equal(typeof result.message, 'string');
    });

    describeWrites(runner, {
      connection: () => connection,
      seed: () => seed,
      unknownEmail,
      writes: options.writes ?? {},
    });
  });
}
