import { SourceError, SourceUnavailable, type Credentials } from '@tributary/plugin-kit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PoolBreakers } from '../pools/pool-breakers.js';
import type { PoolConnector } from '../pools/pool-connector.js';
import { DEFAULT_SOURCE_TIMEOUT_MS, type UserPool } from '../pools/pool.entity.js';
import { authenticateWithPool } from './source-call.js';

const credentials: Credentials = { email: 'ada@example.test', password: 'correct horse' };
const identity = { externalId: 'ext-1', email: 'ada@example.test', emailVerified: true, profile: { name: 'Ada' } };

/** What one authenticate call does, after `after` ms of the (fake) clock: answer, throw, or never settle. */
type Step = { after?: number } & ({ answer: unknown } | { error: unknown } | { hang: true });

/**
 * Test doubles of the collaborators: a connector that hands out one connection whose authenticate
 * plays the scripted steps in order, and the few fields of a pool that the call reads.
 */
function source(steps: Step[], timeoutMs?: number, breakers = new PoolBreakers()) {
  const calls: Credentials[] = [];
  const connection = {
    authenticate(given: Credentials): Promise<unknown> {
      calls.push(given);
      const step = steps.shift();
      if (!step) throw new Error('more calls than the test planned');
      if ('hang' in step) return new Promise(() => undefined);
      const settle = (): Promise<unknown> => ('error' in step ? Promise.reject(step.error) : Promise.resolve(step.answer));
      return step.after === undefined ? settle() : new Promise((resolve) => setTimeout(resolve, step.after)).then(settle);
    },
  };
  const connector = { connect: async () => connection, breakers } as unknown as PoolConnector;
  const pool = { id: 'pool-1', source: 'fake', settings: timeoutMs === undefined ? {} : { timeoutMs } } as unknown as UserPool;
  return { calls, call: () => authenticateWithPool(connector, pool, credentials) };
}

const rateLimited = (retryAfterMs?: number) => new SourceUnavailable('slow down', { code: 'RATE_LIMITED', retryAfterMs });

describe('authenticateWithPool', () => {
  it('accepts a well-formed identity, passing the credentials through', async () => {
    const { call, calls } = source([{ answer: { ...identity, tenantId: 'acme', roles: ['admin'] } }]);
    expect(await call()).toEqual({ kind: 'accepted', identity: { ...identity, tenantId: 'acme', roles: ['admin'] } });
    expect(calls).toEqual([credentials]);
  });

  it('is rejected when the source answers null', async () => {
    expect(await source([{ answer: null }]).call()).toEqual({ kind: 'rejected' });
  });

  it('is refused when the source says REJECTED or that the account is disabled', async () => {
    expect(await source([{ error: new SourceError('REJECTED', 'must change password') }]).call()).toEqual({ kind: 'refused', reason: 'must change password' });
    expect(await source([{ answer: { ...identity, disabled: true } }]).call()).toEqual({ kind: 'refused', reason: 'the source says the account is disabled' });
  });

  it.each([
    ['a string', 'ok'],
    ['an array', [identity]],
    ['true', true],
    ['no externalId', { ...identity, externalId: undefined }],
    ['an empty externalId', { ...identity, externalId: '' }],
    ['a numeric externalId', { ...identity, externalId: 42 }],
    ['an email too short', { ...identity, email: 'a@' }],
    ['emailVerified as a string', { ...identity, emailVerified: 'true' }],
    ['a profile that is not an object', { ...identity, profile: 'Ada' }],
    ['roles that are not strings', { ...identity, roles: [1] }],
    ['too many roles', { ...identity, roles: Array.from({ length: 1001 }, (_, i) => `r${i}`) }],
    ['an empty tenantId', { ...identity, tenantId: '' }],
    ['disabled as a string', { ...identity, disabled: 'yes' }],
  ])('counts an identity with %s as unavailable, never as accepted or rejected', async (_shape, answer) => {
    expect(await source([{ answer }]).call()).toEqual({
      kind: 'unavailable',
      code: 'BAD_RESPONSE',
      reason: 'the source returned an identity of the wrong shape',
    });
  });

  it('counts an unexpected throw as unavailable without its message', async () => {
    const outcome = await source([{ error: new TypeError('secret-token-123 at db.internal') }]).call();
    expect(outcome).toEqual({ kind: 'unavailable', code: 'BAD_RESPONSE', reason: 'the source failed unexpectedly' });
    expect(JSON.stringify(outcome)).not.toContain('secret-token-123');
    expect(await source([{ error: 'a thrown string' }]).call()).toMatchObject({ kind: 'unavailable', code: 'BAD_RESPONSE' });
  });

  it('keeps the code and message of a SourceError that is not REJECTED', async () => {
    expect(await source([{ error: new SourceUnavailable('provider answered 502') }]).call()).toEqual({
      kind: 'unavailable',
      code: 'UNAVAILABLE',
      reason: 'provider answered 502',
      retryAfterMs: undefined,
    });
  });

  it('counts a connection that cannot check passwords, or a connect that fails, as unavailable', async () => {
    const pool = { id: 'pool-1', source: 'fake', settings: {} } as unknown as UserPool;
    const breakers = new PoolBreakers();
    const federation = { connect: async () => ({ authorizationUrl: () => 'https://idp.test' }), breakers } as unknown as PoolConnector;
    expect(await authenticateWithPool(federation, pool, credentials)).toEqual({
      kind: 'unavailable',
      code: 'UNSUPPORTED',
      reason: 'the source cannot check passwords',
    });
    const broken = {
      connect: () => Promise.reject(new SourceError('INVALID_CONFIG', 'pool source "fake" is not installed')),
      breakers,
    } as unknown as PoolConnector;
    expect(await authenticateWithPool(broken, pool, credentials)).toMatchObject({ kind: 'unavailable', code: 'INVALID_CONFIG' });
  });

  it('opens the circuit after consecutive outages, never for wrong passwords or refusals, and a probe closes it', async () => {
    vi.useFakeTimers();
    try {
      const breakers = new PoolBreakers({ failures: 2, halfOpenAfterMs: 1000 });
      const wrong = Array.from({ length: 5 }, (): Step => ({ answer: null }));
      const refusals = Array.from({ length: 5 }, (): Step => ({ error: new SourceError('REJECTED', 'disabled') }));
      const guesses = source([...wrong, ...refusals], undefined, breakers);
      for (let i = 0; i < 10; i++) await guesses.call();
      expect(breakers.state('pool-1')).toBe('closed');

      const down = source([{ error: new SourceUnavailable('502') }, { error: new SourceUnavailable('502') }, { answer: identity }], undefined, breakers);
      await down.call();
      await down.call();
      expect(breakers.state('pool-1')).toBe('open');
      expect(await down.call()).toEqual({ kind: 'unavailable', code: 'CIRCUIT_OPEN', reason: 'circuit open' });
      expect(down.calls).toHaveLength(2);
      vi.advanceTimersByTime(1000);
      expect(await down.call()).toMatchObject({ kind: 'accepted' });
      expect(down.calls).toHaveLength(3);
      expect(breakers.state('pool-1')).toBe('closed');
    } finally {
      vi.useRealTimers();
    }
  });

  describe('with a clock the test moves', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    /** Settles the call's promise when it is done, so a test can ask whether it is, at a fake instant. */
    function track<T>(promise: Promise<T>) {
      const state: { done: boolean; value?: T } = { done: false };
      void promise.then((value) => Object.assign(state, { done: true, value }));
      return state;
    }

    it('gives up at the pool’s timeout on a source that hangs', async () => {
      const { call } = source([{ hang: true }], 300);
      const outcome = track(call());
      await vi.advanceTimersByTimeAsync(299);
      expect(outcome.done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome).toEqual({ done: true, value: { kind: 'unavailable', code: 'TIMEOUT', reason: 'no answer within 300 ms', retryAfterMs: undefined } });
    });

    it('uses the default timeout when the pool sets none', async () => {
      const outcome = track(source([{ hang: true }]).call());
      await vi.advanceTimersByTimeAsync(DEFAULT_SOURCE_TIMEOUT_MS - 1);
      expect(outcome.done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(outcome.value).toMatchObject({ kind: 'unavailable', code: 'TIMEOUT' });
    });

    it('retries once after the wait a throttling source asks for', async () => {
      const { call, calls } = source([{ error: rateLimited(500) }, { answer: identity }], 5000);
      const outcome = track(call());
      await vi.advanceTimersByTimeAsync(499);
      expect(calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls).toHaveLength(2);
      expect(outcome).toEqual({ done: true, value: { kind: 'accepted', identity } });
    });

    it('retries only once, answering with the second outcome', async () => {
      const { call, calls } = source([{ error: rateLimited(100) }, { error: rateLimited(100) }], 5000);
      const outcome = track(call());
      await vi.advanceTimersByTimeAsync(10_000);
      expect(calls).toHaveLength(2);
      expect(outcome.value).toEqual({ kind: 'unavailable', code: 'RATE_LIMITED', reason: 'slow down', retryAfterMs: 100 });
    });

    it('does not wait more than 2 s, whatever the budget', async () => {
      const { call, calls } = source([{ error: rateLimited(2001) }], 60_000);
      expect(await call()).toEqual({ kind: 'unavailable', code: 'RATE_LIMITED', reason: 'slow down', retryAfterMs: 2001 });
      expect(calls).toHaveLength(1);
      const { call: atTheLimit, calls: retried } = source([{ error: rateLimited(2000) }, { answer: null }], 60_000);
      const outcome = track(atTheLimit());
      await vi.advanceTimersByTimeAsync(2000);
      expect(retried).toHaveLength(2);
      expect(outcome.value).toEqual({ kind: 'rejected' });
    });

    it('does not wait more than half of the budget the first call left', async () => {
      // A 4000 ms budget and a first answer after 1500 ms leave 2500 ms: a wait of up to 1250 ms fits.
      const tooLong = source([{ after: 1500, error: rateLimited(1251) }], 4000);
      const refused = track(tooLong.call());
      await vi.advanceTimersByTimeAsync(1500);
      expect(refused.value).toMatchObject({ kind: 'unavailable', code: 'RATE_LIMITED', retryAfterMs: 1251 });
      expect(tooLong.calls).toHaveLength(1);
      const fits = source([{ after: 1500, error: rateLimited(1250) }, { answer: identity }], 4000);
      const retried = track(fits.call());
      await vi.advanceTimersByTimeAsync(1500 + 1250);
      expect(fits.calls).toHaveLength(2);
      expect(retried.value).toEqual({ kind: 'accepted', identity });
    });

    it('does not retry without a wait, nor for a code other than RATE_LIMITED', async () => {
      const noWait = source([{ error: rateLimited() }], 5000);
      expect(await noWait.call()).toMatchObject({ kind: 'unavailable', code: 'RATE_LIMITED', retryAfterMs: undefined });
      expect(noWait.calls).toHaveLength(1);
      const down = source([{ error: new SourceUnavailable('down', { retryAfterMs: 100 }) }], 5000);
      expect(await down.call()).toEqual({ kind: 'unavailable', code: 'UNAVAILABLE', reason: 'down', retryAfterMs: undefined });
      expect(down.calls).toHaveLength(1);
    });
  });
});
