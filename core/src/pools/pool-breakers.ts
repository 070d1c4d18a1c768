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

  constructor(
    private readonly options: BreakerOptions = DEFAULT_BREAKER,
    /** Told of every change, for logs and metrics. */
    private readonly onChange: (poolId: string, state: BreakerState) => void = () => undefined,
  ) {}

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

function stateName(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return 'closed';
  return state === CircuitState.HalfOpen ? 'half-open' : 'open';
}
