import { SourceError, type Credentials, type ExternalConnection, type Identity } from '@tributary/plugin-kit';
import { z } from 'zod';
import { CircuitOpen } from '../pools/pool-breakers.js';
import { withTimeout, type PoolConnector } from '../pools/pool-connector.js';
import { publishSourceCall } from '../pools/source-calls.js';
import { DEFAULT_SOURCE_TIMEOUT_MS, type UserPool } from '../pools/pool.entity.js';

/**
 * What a source may hand back; anything else is garbage and the source counts as unavailable. Unknown
 * keys are dropped: a `passwordHash` (listUsers only) goes no further from a sign-in.
 */
const IdentityShape = z.object({
  externalId: z.string().min(1).max(255),
  email: z.string().min(3).max(254),
  emailVerified: z.boolean(),
  profile: z.record(z.string(), z.unknown()),
  tenantId: z.string().min(1).max(255).nullish(),
  roles: z.array(z.string().max(255)).max(1000).optional(),
  disabled: z.boolean().optional(),
});

export type SourceOutcome =
  | { kind: 'accepted'; identity: Identity }
  | { kind: 'rejected' }
  /** The source answered but refused for a reason of its own (disabled, must change password). */
  | { kind: 'refused'; reason: string }
  /** Down, slow, throttling or garbage: we cannot tell whether the credentials are good. */
  | { kind: 'unavailable'; code: string; reason: string; retryAfterMs?: number };

/** An outage outcome, thrown inside the pool's breaker so that it counts there. */
class Outage extends Error {
  constructor(readonly outcome: SourceOutcome) {
    super('source outage');
  }
}

/** A config the source refuses or a missing capability is the admin's to fix: no breaker would help. */
const NOT_OUTAGES = new Set(['INVALID_CONFIG', 'UNSUPPORTED']);

/**
 * Calls one pool's source with its timeout and turns everything it can do (answer, throw, hang,
 * return garbage) into an outcome. Nothing a source does escapes as an exception. Through the
 * pool's circuit breaker: while it is open, the outcome is `unavailable` (CIRCUIT_OPEN) at once.
 */
export async function authenticateWithPool(connector: PoolConnector, pool: UserPool, credentials: Credentials): Promise<SourceOutcome> {
  const outcome = await throughBreaker(connector, pool, credentials);
  // The pool's health on this node (pools/pool-breakers.ts): in memory, no write on the sign-in's path.
  connector.breakers.observe(pool.id, outcome.kind === 'unavailable' ? outcome.code : null);
  publishSourceCall(() => ({
    pool: pool.id,
    operation: 'authenticate',
    result: outcome.kind,
    ...(outcome.kind === 'unavailable' ? { code: outcome.code } : {}),
  }));
  return outcome;
}

async function throughBreaker(connector: PoolConnector, pool: UserPool, credentials: Credentials): Promise<SourceOutcome> {
  try {
    return await connector.breakers.run(pool.id, async () => {
      const outcome = await attempt(connector, pool, credentials);
      if (outcome.kind === 'unavailable' && !NOT_OUTAGES.has(outcome.code)) throw new Outage(outcome);
      return outcome;
    });
  } catch (error) {
    if (error instanceof Outage) return error.outcome;
    if (error instanceof CircuitOpen) return { kind: 'unavailable', code: 'CIRCUIT_OPEN', reason: 'circuit open' };
    throw error;
  }
}

async function attempt(connector: PoolConnector, pool: UserPool, credentials: Credentials): Promise<SourceOutcome> {
  const started = Date.now();
  const first = await callOnce(connector, pool, credentials);
  // A source that throttles and says when to come back gets one more try, if that fits the pool's time budget.
  const wait = first.kind === 'unavailable' ? first.retryAfterMs : undefined;
  const budget = (pool.settings.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS) - (Date.now() - started);
  if (wait === undefined || wait > Math.min(MAX_RETRY_WAIT_MS, budget / 2)) return first;
  await new Promise((resolve) => setTimeout(resolve, wait));
  return callOnce(connector, pool, credentials);
}

const MAX_RETRY_WAIT_MS = 2000;

async function callOnce(connector: PoolConnector, pool: UserPool, credentials: Credentials): Promise<SourceOutcome> {
  try {
    const connection = (await connector.connect(pool)) as ExternalConnection;
    if (typeof connection.authenticate !== 'function') return { kind: 'unavailable', code: 'UNSUPPORTED', reason: 'the source cannot check passwords' };
    const answer = await withTimeout(connection.authenticate(credentials), pool.settings.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS);
    if (answer === null) return { kind: 'rejected' };
    const parsed = IdentityShape.safeParse(answer);
    if (!parsed.success) return { kind: 'unavailable', code: 'BAD_RESPONSE', reason: 'the source returned an identity of the wrong shape' };
    if (parsed.data.disabled) return { kind: 'refused', reason: 'the source says the account is disabled' };
    return { kind: 'accepted', identity: parsed.data };
  } catch (error) {
    if (error instanceof SourceError && error.code === 'REJECTED') return { kind: 'refused', reason: error.message };
    if (error instanceof SourceError)
      return { kind: 'unavailable', code: error.code, reason: error.message, retryAfterMs: error.code === 'RATE_LIMITED' ? error.retryAfterMs : undefined };
    return { kind: 'unavailable', code: 'BAD_RESPONSE', reason: 'the source failed unexpectedly' };
  }
}
