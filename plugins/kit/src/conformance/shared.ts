import assert from 'node:assert/strict';
import type { z } from 'zod';
import { validateConfig } from '../define.js';
import { SourceError, SourceUnavailable } from '../errors.js';
import type { SourceServices } from '../services.js';
import type { ConnectionOf, Identity, PoolSource, SourceContext, SourceLogger, SourceType } from '../types.js';

/** Values are thunks because peers usually start (and pick ports) in a beforeAll. */
export type Lazy<T> = T | (() => T);

export const resolve = <T>(value: Lazy<T>): T => (typeof value === 'function' ? (value as () => T)() : value);

/** Test-runner agnostic: pass your runner's `describe`/`it`/`beforeAll`/`afterAll` (vitest, node:test). */
export interface ConformanceRunner {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void> | void, timeoutMs?: number): unknown;
  beforeAll(body: () => Promise<void> | void, timeoutMs?: number): unknown;
  afterAll(body: () => Promise<void> | void, timeoutMs?: number): unknown;
}

export interface CapturedLog {
  level: keyof SourceLogger;
  object: Record<string, unknown>;
  message: string | undefined;
}

export function capturingLogger(logs: CapturedLog[]): SourceLogger {
  const log = (level: keyof SourceLogger) => (object: Record<string, unknown>, message?: string) => logs.push({ level, object, message });
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A context like core's: fetch with a timeout, a logger that keeps what it was given for later checks. */
export function createTestContext(options: { timeoutMs?: number; logs?: CapturedLog[]; services?: SourceServices } = {}): SourceContext {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const timedFetch: typeof fetch = async (input, init) => {
    try {
      return await fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new SourceUnavailable(timedOut ? 'request timed out' : 'request failed', { code: timedOut ? 'TIMEOUT' : 'UNAVAILABLE', cause: error });
    }
  };
  return {
    logger: capturingLogger(options.logs ?? []),
    fetch: timedFetch,
    timeoutMs,
    now: () => new Date(),
    services: options.services ?? {},
  };
}

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

/** The call must fail with a SourceError of this code: a refusal, never null and never "unavailable". */
export async function assertRejects(call: Promise<unknown>, code: SourceError['code'], what: string): Promise<void> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  assert.ok('error' in outcome, `${what}: expected SourceError ${code}, got ${JSON.stringify((outcome as { value: unknown }).value)}`);
  assert.ok(outcome.error instanceof SourceError, `${what}: expected SourceError ${code}, got ${messages(outcome.error)}`);
  assert.equal(outcome.error.code, code, `${what}: ${outcome.error.message}`);
}

/** Every message in an error's cause chain, so a secret hidden in a wrapped error is found too. */
export function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join('\n');
}

export const SENTINEL = 'conformance-SENTINEL-s3cr3t';

/**
 * The config with every secret replaced by a recognisable value: a string secret, or each string in
 * a secret that is a flat object (a script's `env`). Other shapes are kept as they are.
 */
export function withSentinels(config: unknown, secretFields: readonly string[]): Record<string, unknown> {
  const raw = { ...(config as Record<string, unknown>) };
  for (const field of secretFields) {
    const value = raw[field];
    if (typeof value === 'string') raw[field] = `${SENTINEL}-${field}`;
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      raw[field] = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, typeof inner === 'string' ? `${SENTINEL}-${field}-${key}` : inner]));
    }
  }
  return raw;
}

export function assertNoSentinel(texts: readonly string[]): void {
  for (const text of texts) assert.ok(!text.includes(SENTINEL), `a secret leaked: ${text.slice(0, 300)}`);
}

/** Connects with a config the suite was given, failing with its issues when it is invalid. */
export async function connectWith<T extends SourceType, S extends z.ZodType>(
  source: PoolSource<T, S>,
  config: unknown,
  context: SourceContext,
): Promise<ConnectionOf<T>> {
  const validation = validateConfig(source, config);
  if (!validation.ok) throw new Error(`conformance config is invalid: ${JSON.stringify(validation.issues)}`);
  return source.connect(validation.config, context);
}

/** What every source is checked for first: its type and key, and a schema whose issues name fields. */
export function describeDefinition(runner: ConformanceRunner, source: PoolSource, type: SourceType, config: Lazy<unknown>): void {
  runner.it(`is an ${type} source with a valid key`, () => {
    assert.equal(source.type, type);
    assert.match(source.key, /^[a-z][a-z0-9-]{1,62}$/);
  });

  runner.it('accepts the config and refuses an empty one, naming fields', () => {
    assert.equal(validateConfig(source, resolve(config)).ok, true);
    const empty = validateConfig(source, {});
    assert.equal(empty.ok, false);
    if (!empty.ok) for (const issue of empty.issues) assert.ok(issue.path.length > 0, `issue without a field: ${issue.message}`);
  });
}

/**
 * Connects with every secret replaced by a sentinel, lets `exercise` push what the connection shows
 * (answers, errors, test results), and fails when the sentinel is in any of it or in a log line.
 */
export async function assertSecretsStayOut<T extends SourceType, S extends z.ZodType>(
  source: PoolSource<T, S>,
  config: unknown,
  context: SourceContext,
  exercise: (connection: ConnectionOf<T>, seen: string[]) => Promise<void>,
): Promise<void> {
  const validation = validateConfig(source, withSentinels(config, source.secretFields));
  if (!validation.ok) return; // a secret with a fixed shape (a key file) cannot take the sentinel
  const logs: CapturedLog[] = [];
  const seen: string[] = [];
  try {
    const connection = await source.connect(validation.config, { ...context, logger: capturingLogger(logs) });
    await exercise(connection, seen);
    const result = await connection.test?.().catch((error: unknown) => ({ message: messages(error) }));
    if (result) seen.push(JSON.stringify(result));
    await connection.close?.();
  } catch (error) {
    seen.push(messages(error));
  }
  seen.push(JSON.stringify(logs));
  assertNoSentinel(seen);
}
