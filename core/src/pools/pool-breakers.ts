import { SourceError } from '@tributary/plugin-kit';
import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleWhen, IsolatedCircuitError, type CircuitBreakerPolicy } from 'cockatiel';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failed calls that open a pool's circuit. */
  failures: number;
  /** How long an open circuit refuses calls before one probe may go through. */
  halfOpenAfterMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failures: 5, halfOpenAfterMs: 10_000 };

/** Thrown (instead of calling the source) while a pool's circuit is open or its probe is in flight. */
export class CircuitOpen extends Error {
  override readonly name = 'CircuitOpen';
  constructor(readonly poolId: string) {
    super('circuit open');
  }
}

/**
 * Whether a source's error says it could not answer. A wrong password never throws, and a refusal
 * (REJECTED) or a bad config is an answer: none of those opens the circuit, or a guessing attacker
 * or an admin's typo could switch a working pool off.
 */
function isOutage(error: unknown): boolean {
  if (error instanceof SourceError) return error.unavailable;
  return !(error instanceof CircuitOpen);
}

/**
 * One cockatiel circuit breaker per pool, in this node's memory: a local estimate of whether the
 * pool's source answers, so a source that hangs costs its timeout to a few sign-ins, not to all.
 * After `failures` consecutive outages the circuit opens; calls are refused at once until
 * `halfOpenAfterMs` has passed, then one call probes, and its outcome closes or reopens it.
 */
export class PoolBreakers {
  readonly #breakers = new Map<string, CircuitBreakerPolicy>();
  /** Each pool's latest call outcomes on this node, newest last (at most RECENT_CALLS, none older than RECENT_MS). */
  readonly #recent = new Map<string, CallOutcome[]>();

  constructor(
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
    /** Told of every change, for logs and metrics. */
    private readonly onChange: (poolId: string, state: BreakerState) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One call to the pool's source ended: `failure` is the code of a call that got no answer (TIMEOUT,
   * UNAVAILABLE, BAD_RESPONSE, CIRCUIT_OPEN...), null for an answer (accepted, rejected or refused
   * alike: a wrong password is the source working). In memory only: a sign-in writes nothing more for it.
   */
  observe(poolId: string, failure: string | null): void {
    let recent = this.#recent.get(poolId);
    if (!recent) this.#recent.set(poolId, (recent = []));
    recent.push({ at: this.now(), failure });
    if (recent.length > RECENT_CALLS) recent.shift();
  }

  /**
   * What this node's own calls say of the pool's source, or null when it has made none lately: DOWN
   * while the circuit is open or every recent call failed, DEGRADED while some fail, UP once the
   * latest RECOVERED_AFTER calls were answered (failures a minute old do not hold a recovered pool down).
   */
  health(poolId: string): LiveHealth | null {
    const state = this.state(poolId);
    const recent = (this.#recent.get(poolId) ?? []).filter((call) => call.at > this.now() - RECENT_MS);
    const failures = recent.filter((call) => call.failure !== null);
    const codes = summarise(failures.map((call) => call.failure!));
    const checkedAt = new Date(recent.at(-1)?.at ?? this.now());
    if (state === 'open') {
      return {
        status: 'DOWN',
        checkedAt,
        message: `this node stopped calling the source after repeated failures (${codes || 'no recent calls'}); a probe follows`,
      };
    }
    if (state === 'half-open') return { status: 'DEGRADED', checkedAt, message: 'this node is probing the source after repeated failures' };
    if (recent.length === 0) return null;
    const of = `${failures.length} of the last ${recent.length} calls from this node in the last minute failed`;
    const latest = recent.slice(-RECOVERED_AFTER);
    if (latest.every((call) => call.failure === null)) {
      return {
        status: 'UP',
        checkedAt,
        message: failures.length ? `answering again; ${of} (${codes})` : `the last ${recent.length} calls from this node in the last minute were answered`,
      };
    }
    if (failures.length === recent.length) return { status: 'DOWN', checkedAt, message: `${of} (${codes})` };
    return { status: 'DEGRADED', checkedAt, message: `${of} (${codes})` };
  }

  /**
   * Runs one call to the pool's source. Throws CircuitOpen without calling while the circuit is
   * open, and also while a probe is in flight: cockatiel would make the call wait for the probe's
   * outcome, and a caller that is skipping this pool must not wait for a hanging source.
   */
  async run<T>(poolId: string, call: () => Promise<T>): Promise<T> {
    const breaker = this.#breaker(poolId);
    if (breaker.state === CircuitState.HalfOpen) throw new CircuitOpen(poolId);
    try {
      return await breaker.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) throw new CircuitOpen(poolId);
      throw error;
    }
  }

  state(poolId: string): BreakerState {
    return stateName(this.#breakers.get(poolId)?.state ?? CircuitState.Closed);
  }

  /** Every pool this node has called, with its circuit's state. */
  states(): [poolId: string, state: BreakerState][] {
    return [...this.#breakers].map(([id, breaker]) => [id, stateName(breaker.state)]);
  }

  /** A changed or deleted pool starts afresh: a new config may well fix what the old one broke. */
  forget(poolId: string): void {
    this.#recent.delete(poolId);
    if (this.#breakers.delete(poolId)) this.onChange(poolId, 'closed');
  }

  #breaker(poolId: string): CircuitBreakerPolicy {
    let breaker = this.#breakers.get(poolId);
    if (!breaker) {
      breaker = circuitBreaker(handleWhen(isOutage), {
        halfOpenAfter: this.options.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.failures),
      });
      const own = breaker;
      // A forgotten pool's breaker may still see its last calls end: only the current one reports.
      own.onStateChange((state) => this.#breakers.get(poolId) === own && this.onChange(poolId, stateName(state)));
      this.#breakers.set(poolId, own);
    }
    return breaker;
  }
}

interface CallOutcome {
  at: number;
  failure: string | null;
}

/** A pool's health as this node's latest calls to its source tell it. */
export interface LiveHealth {
  status: 'UP' | 'DEGRADED' | 'DOWN';
  /** When the latest call this estimate rests on ended. */
  checkedAt: Date;
  message: string;
}

const RECENT_CALLS = 50;
const RECENT_MS = 60_000;
const RECOVERED_AFTER = 3;

/** `TIMEOUT ×3, UNAVAILABLE ×1`: what the failures were, most frequent first. */
function summarise(codes: string[]): string {
  const counts = new Map<string, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([code, count]) => `${code} ×${count}`)
    .join(', ');
}

function stateName(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return 'closed';
  return state === CircuitState.HalfOpen ? 'half-open' : 'open';
}
