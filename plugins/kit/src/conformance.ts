import assert from 'node:assert/strict';
import type { z } from 'zod';
import { validateConfig } from './define.js';
import { SourceUnavailable } from './errors.js';
import type { Credentials, ExternalConnection, Identity, UserPage, PoolSource, SourceContext, SourceLogger } from './types.js';

/**
 * The contract every EXTERNAL source must keep, as a test suite a plugin runs against its real peer.
 * Test-runner agnostic: pass your runner's `describe`/`it`/`beforeAll`/`afterAll` (vitest, node:test).
 * Values are thunks because peers usually start (and pick ports) in a beforeAll.
 */
type Lazy<T> = T | (() => T);

export interface ConformanceRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void> | void, timeoutMs?: number): unknown;
  beforeAll(body: () => Promise<void> | void, timeoutMs?: number): unknown;
  afterAll(body: () => Promise<void> | void, timeoutMs?: number): unknown;
}

export interface ConformanceOptions<S extends z.ZodType> {
  source: PoolSource<'EXTERNAL', S>;
  /** A config that reaches the running peer. */
  config: Lazy<unknown>;
  /** A user that exists at the peer with this password, enabled. */
  seedUser: Lazy<Credentials>;
  /** An email no user at the peer has. */
  unknownEmail: string;
  runner: ConformanceRunner;
  /** Defaults to `createTestContext()`. */
  context?: () => SourceContext;
  /** Max pages listUsers is walked before giving up finding the seed user. */
  maxPages?: number;
}

export interface CapturedLog {
  level: keyof SourceLogger;
  object: Record<string, unknown>;
  message: string | undefined;
}

/** A context like core's: fetch with a timeout, a logger that keeps what it was given for later checks. */
export function createTestContext(options: { timeoutMs?: number; logs?: CapturedLog[] } = {}): SourceContext {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const logs = options.logs ?? [];
  const log = (level: keyof SourceLogger) => (object: Record<string, unknown>, message?: string) => logs.push({ level, object, message });
  const timedFetch: typeof fetch = async (input, init) => {
    try {
      return await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new SourceUnavailable(timedOut ? 'request timed out' : 'request failed', { code: timedOut ? 'TIMEOUT' : 'UNAVAILABLE', cause: error });
    }
  };
  return {
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    fetch: timedFetch,
    timeoutMs,
    now: () => new Date(),
    services: {},
  };
}

const resolve = <T>(value: Lazy<T>): T => (typeof value === 'function' ? (value as () => T)() : value);

export function assertIdentity(value: unknown): asserts value is Identity {
  assert.ok(value && typeof value === 'object', 'identity must be an object');
  const identity = value as Identity;
  assert.equal(typeof identity.externalId, 'string', 'externalId must be a string');
  assert.ok(identity.externalId.length > 0, 'externalId must not be empty');
  assert.equal(typeof identity.email, 'string', 'email must be a string');
  assert.equal(typeof identity.emailVerified, 'boolean', 'emailVerified must be a boolean');
  assert.ok(identity.profile && typeof identity.profile === 'object', 'profile must be an object');
  if (identity.tenantId != null) assert.equal(typeof identity.tenantId, 'string', 'tenantId must be a string or null');
  if (identity.roles !== undefined) assert.ok(Array.isArray(identity.roles), 'roles must be an array');
  if (identity.disabled !== undefined) assert.equal(typeof identity.disabled, 'boolean', 'disabled must be a boolean');
}

/** Every message in an error's cause chain, so a secret hidden in a wrapped error is found too. */
function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

export function runSourceConformance<S extends z.ZodType>(options: ConformanceOptions<S>): void {
  const { source, runner, unknownEmail } = options;
  const { describe, it, beforeAll, afterAll } = runner;
  const makeContext = options.context ?? (() => createTestContext());
  let connection: ExternalConnection;
  let seed: Credentials;

  describe(`${source.key}: pool source conformance`, () => {
    beforeAll(async () => {
      const validation = validateConfig(source, resolve(options.config));
      if (!validation.ok) throw new Error(`conformance config is invalid: ${JSON.stringify(validation.issues)}`);
      connection = await source.connect(validation.config, makeContext());
      seed = resolve(options.seedUser);
    });
    afterAll(async () => {
      await connection?.close?.();
    });

    it('is an EXTERNAL source with a valid key', () => {
      assert.equal(source.type, 'EXTERNAL');
      assert.match(source.key, /^[a-z][a-z0-9-]{1,62}$/);
    });

    it('accepts the config and refuses an empty one, naming fields', () => {
      assert.equal(validateConfig(source, resolve(options.config)).ok, true);
      const empty = validateConfig(source, {});
      assert.equal(empty.ok, false);
      if (!empty.ok) for (const issue of empty.issues) assert.ok(issue.path.length > 0, `issue without a field: ${issue.message}`);
    });

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
      const sentinel = 'conformance-SENTINEL-s3cr3t';
      const raw = { ...(resolve(options.config) as Record<string, unknown>) };
      for (const field of source.secretFields) if (typeof raw[field] === 'string') raw[field] = `${sentinel}-${field}`;
      const validation = validateConfig(source, raw);
      if (!validation.ok) return; // a secret with a fixed shape (a key file) cannot take the sentinel
      const logs: CapturedLog[] = [];
      const context = createTestContext({ logs });
      const seen: string[] = [];
      try {
        const bad = await source.connect(validation.config, context);
        await bad.authenticate(seed).catch((error: unknown) => seen.push(messages(error)));
        await bad.authenticate({ email: seed.email, password: 'wrong' }).catch((error: unknown) => seen.push(messages(error)));
        const result = await bad.test?.().catch((error: unknown) => ({ message: messages(error) }));
        if (result) seen.push(JSON.stringify(result));
        await bad.close?.();
      } catch (error) {
        seen.push(messages(error));
      }
      seen.push(JSON.stringify(logs));
      for (const text of seen) assert.ok(!text.includes(sentinel), `a secret leaked: ${text.slice(0, 300)}`);
    });

    it('test() reports ok for the good config', async () => {
      if (!connection.test) return;
      const result = await connection.test();
      assert.equal(result.ok, true, result.message);
      assert.equal(typeof result.message, 'string');
    });
  });
}
