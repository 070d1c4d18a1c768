import { fault } from './faults.js';
import type { HostLookup } from './destination.js';
import type { Limits } from './limits.js';
import { ScriptSlot, type CallLimits, type Outcome, type ScriptVersion } from './script-slot.js';
import type { ExecutionLog } from './types.js';

interface Waiter {
  readonly resolve: (slot: ScriptSlot | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

const noLog: ExecutionLog = { entries: [], truncated: false };

/**
 * The isolates of one script version: up to `isolatesPerScript`, created as calls need them (and
 * the sandbox-wide bound allows), each running one call at a time. A call that finds them all busy
 * waits for one, at most `queueTimeoutMs`; past that it never ran, and says so ('unavailable'),
 * so a caller can tell "the script could not answer in time" from "no isolate was free".
 */
export class ScriptPool {
  private readonly version: ScriptVersion;
  private readonly slots: ScriptSlot[] = [];
  private readonly idle: ScriptSlot[] = [];
  private readonly waiting: Waiter[] = [];
  /** Evicted: serve the calls already here, then dispose. */
  private retired = false;
  private closed = false;

  constructor(
    code: string,
    private readonly limits: Limits,
    private readonly onCatastrophicError: (message: string) => void,
    private readonly lookup: HostLookup,
    /** Asked before adding an isolate beyond the first: the sandbox-wide bound (maxIsolates). */
    private readonly mayGrow: () => boolean,
  ) {
    this.version = { code, compileFault: undefined };
  }

  /** Isolates this version holds (warm or being recreated). */
  get size(): number {
    return this.slots.length;
  }

  run(exportName: string, argsJson: string, envJson: string, call: CallLimits, queueTimeoutMs: number): Promise<[Outcome, ExecutionLog]> {
    const startBy = performance.now() + queueTimeoutMs;
    return this.withSlot(queueTimeoutMs, (slot) => slot.run(exportName, argsJson, envJson, call, startBy));
  }

  check(call: CallLimits, queueTimeoutMs: number): Promise<[Outcome, ExecutionLog]> {
    return this.withSlot(queueTimeoutMs, (slot) => slot.check(call));
  }

  /** Disposes each isolate once its call is done and nobody waits (LRU eviction). */
  retire(): void {
    this.retired = true;
    for (const slot of this.idle.splice(0)) this.drop(slot);
  }

  /** Disposes now; calls in progress end with a runtime fault, waiting ones never start. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(undefined);
    }
    for (const slot of this.slots.splice(0)) slot.close();
    this.idle.length = 0;
  }

  private async withSlot(queueTimeoutMs: number, task: (slot: ScriptSlot) => Promise<[Outcome, ExecutionLog]>): Promise<[Outcome, ExecutionLog]> {
    const { compileFault } = this.version;
    if (compileFault) return [{ ok: false, ...compileFault }, noLog];
    const slot = await this.acquire(queueTimeoutMs);
    if (!slot) {
      if (this.closed) return [{ ok: false, ...fault('runtime', 'The sandbox was disposed') }, noLog];
      const message = `The script did not run: all ${this.slots.length} of its isolates stayed busy for ${queueTimeoutMs} ms`;
      return [{ ok: false, ...fault('unavailable', message) }, noLog];
    }
    try {
      return await task(slot);
    } finally {
      this.release(slot);
    }
  }

  private acquire(queueTimeoutMs: number): Promise<ScriptSlot | undefined> | ScriptSlot | undefined {
    if (this.closed) return undefined;
    // The most recently used isolate is the warmest (its code compiled, its heap in cache).
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.slots.length === 0 || (this.slots.length < this.limits.isolatesPerScript && this.mayGrow())) {
      const slot = new ScriptSlot(this.version, this.limits, this.onCatastrophicError, this.lookup);
      this.slots.push(slot);
      return slot;
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          resolve(undefined);
        }, queueTimeoutMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(slot: ScriptSlot): void {
    if (this.closed) return;
    const next = this.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve(slot);
    } else if (this.retired) this.drop(slot);
    else this.idle.push(slot);
  }

  private drop(slot: ScriptSlot): void {
    slot.close();
    this.slots.splice(this.slots.indexOf(slot), 1);
  }
}
