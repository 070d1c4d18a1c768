import { SourceError, type Credentials, type ExternalConnection, type Identity } from '@tributary/plugin-kit';
import { z } from 'zod';
import { withTimeout, type PoolConnector } from '../pools/pool-connector.js';
import { DEFAULT_SOURCE_TIMEOUT_MS, type UserPool } from '../pools/pool.entity.js';

/** What a source may hand back; anything else is garbage and the source counts as unavailable. */
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

/**
 * Calls one pool's source with its timeout and turns everything it can do (answer, throw, hang,
 * return garbage) into an outcome. Nothing a source does escapes as an exception.
 */
export async function authenticateWithPool(connector: PoolConnector, pool: UserPool, credentials: Credentials): Promise<SourceOutcome> {
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
