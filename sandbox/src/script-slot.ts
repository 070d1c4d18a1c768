import ivm from 'isolated-vm';
import { classifyError, fault, outOfMemory, parseEnvelope, type Envelope, type Fault } from './faults.js';
import type { HostLookup } from './destination.js';
import { hostFetch } from './host-fetch.js';
import type { Limits } from './limits.js';
import { LogCollector } from './log.js';
import { Runtime } from './runtime.js';
import type { ExecutionLog } from './types.js';
import { startWatchdog } from './watchdog.js';

/** One call in progress: what the host hooks act for while the script runs. */
interface Call {
  readonly log: LogCollector;
  readonly allowedHosts: readonly string[];
  readonly timeoutMs: number;
  /** When the script started running (performance.now()), once the isolate says so. */
  ranAt: number | undefined;
  /** Aborted when the call ends, cutting the fetches still running. */
  readonly done: AbortController;
  fetches: number;
  killed: Fault | undefined;
  /** The isolate's CPU time when the script itself started: creating the isolate is not billed. */
  cpuBase: bigint | undefined;
}

export interface CallLimits {
  readonly timeoutMs: number;
  readonly cpuTimeMs: number;
  readonly allowedHosts: readonly string[];
}

export type Outcome = { readonly ok: true; readonly value: unknown } | ({ readonly ok: false } & Fault);

/** What the isolates of one script version share: faults found compiling it do not change. */
export interface ScriptVersion {
  readonly code: string;
  /** Syntax and import faults do not change between calls, so the code is not recompiled. */
  compileFault: Fault | undefined;
}

/**
 * One isolate of a script version (created on first use and again after a kill or an OOM),
 * running one call at a time: `env` is a global and the log belongs to one call, so interleaving
 * two calls at an `await` would mix both. ScriptPool hands a slot to one call at a time.
 */
export class ScriptSlot {
  private isolate: ivm.Isolate | undefined;
  private runtime: Runtime | undefined;
  private current: Call | undefined;
  private closed = false;

  constructor(
    private readonly version: ScriptVersion,
    private readonly limits: Limits,
    private readonly onCatastrophicError: (message: string) => void,
    private readonly lookup: HostLookup,
  ) {}

  /** `startBy`: until when the call may still wait for one of isolated-vm's threads. */
  run(exportName: string, argsJson: string, envJson: string, call: CallLimits, startBy: number): Promise<[Outcome, ExecutionLog]> {
    return this.execute(call, startBy, false, async (runtime, timeoutMs) =>
      parseEnvelope(await runtime.invoke(exportName, argsJson, envJson, timeoutMs), this.limits.maxOutputChars),
    );
  }

  /** Compiling and evaluating the module is all a check runs, so its clock starts at once. */
  check(call: CallLimits): Promise<[Outcome, ExecutionLog]> {
    return this.execute(call, 0, true, async (runtime) => ({ ok: true, value: runtime.exports, sent: 0 }));
  }

  /** Disposes now; a call in progress ends with a runtime fault. */
  close(): void {
    this.closed = true;
    this.runtime = undefined;
    if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose();
  }

  /** The call's limits start here, once it has its isolate: time spent queueing is not the script's. */
  private async execute(
    limits: CallLimits,
    startBy: number,
    ranNow: boolean,
    body: (runtime: Runtime, timeoutMs: number) => Promise<Envelope>,
  ): Promise<[Outcome, ExecutionLog]> {
    const startedAt = performance.now();
    const log = new LogCollector(this.limits.maxLogEntries, this.limits.maxLogChars, startedAt);
    const call: Call = {
      log,
      allowedHosts: limits.allowedHosts,
      timeoutMs: limits.timeoutMs,
      ranAt: ranNow ? startedAt : undefined,
      done: new AbortController(),
      fetches: 0,
      killed: undefined,
      cpuBase: undefined,
    };
    this.current = call;
    const stopWatchdog = startWatchdog({
      timeoutMs: limits.timeoutMs,
      ranAt: () => call.ranAt,
      startBy,
      cpuTimeMs: limits.cpuTimeMs,
      memoryLimitMb: this.limits.memoryLimitMb,
      isolate: () => this.isolate,
      cpuBase: () => call.cpuBase,
      // Disposing is the only way to stop code that isolated-vm is not timing.
      kill: (kind, message) => {
        call.killed = fault(kind, message);
        if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose();
      },
    });
    const syncTimeout = Math.max(1, Math.min(limits.cpuTimeMs, limits.timeoutMs));
    let outcome: Envelope | Fault;
    try {
      const runtime = await this.ready(syncTimeout);
      if (runtime instanceof Runtime) {
        call.cpuBase = runtime.isolate.cpuTime;
        outcome = outOfMemory(await body(runtime, syncTimeout), this.limits.memoryLimitMb);
        // Like any out-of-memory stop: whatever the module still holds goes with the isolate.
        if (!outcome.ok && outcome.fault.kind === 'oom') runtime.isolate.dispose();
      } else outcome = runtime;
    } catch (error) {
      outcome = classifyError(error, {
        killed: call.killed,
        isolateDisposed: this.isolate?.isDisposed ?? true,
        timeoutMessage: `The script exceeded its time limit (${limits.cpuTimeMs} ms CPU, ${limits.timeoutMs} ms wall clock)`,
        memoryLimitMb: this.limits.memoryLimitMb,
      });
      // A module whose top-level code failed is half-initialised; start from scratch next time.
      if (!this.runtime && this.isolate && !this.isolate.isDisposed) this.isolate.dispose();
    } finally {
      stopWatchdog();
      call.done.abort();
    }
    if (this.isolate?.isDisposed) [this.isolate, this.runtime] = [undefined, undefined];
    // Console messages travel apart from the result; let any still in flight arrive.
    const sent = 'sent' in outcome ? outcome.sent : Number.POSITIVE_INFINITY;
    if (log.received < sent) await new Promise((resolve) => setImmediate(resolve));
    this.current = undefined;
    const result: Outcome = 'kind' in outcome ? { ok: false, ...outcome } : outcome.ok ? { ok: true, value: outcome.value } : { ok: false, ...outcome.fault };
    return [result, log.close()];
  }

  private async ready(timeoutMs: number): Promise<Runtime | Fault> {
    if (this.closed) return fault('runtime', 'The sandbox was disposed');
    if (this.version.compileFault) return this.version.compileFault;
    if (this.runtime && !this.runtime.isolate.isDisposed) return this.runtime;
    this.isolate = new ivm.Isolate({ memoryLimit: this.limits.memoryLimitMb, onCatastrophicError: this.onCatastrophicError });
    const hooks = {
      log: (level: unknown, message: unknown, cut: unknown): void => this.current?.log.add(level, message, cut),
      fetch: (requestJson: unknown): Promise<string> => this.fetch(requestJson),
      started: (): void => {
        if (this.current) this.current.ranAt ??= performance.now();
      },
    };
    const created = await Runtime.create(this.isolate, this.version.code, this.limits, hooks, timeoutMs);
    if (created instanceof Runtime) this.runtime = created;
    else {
      this.version.compileFault = created;
      this.isolate.dispose();
    }
    return created;
  }

  private async fetch(requestJson: unknown): Promise<string> {
    const call = this.current;
    // The isolate parks answers for calls that are over (see runtime-source.ts), so this is only
    // a courtesy; a never-settling promise here would leak its reactions on the host.
    const over = JSON.stringify({ ok: false, denied: false, message: 'fetch: the call that made this request has ended' });
    if (!call || call.done.signal.aborted) return over;
    if (++call.fetches > this.limits.fetchMaxRequests) {
      return JSON.stringify({ ok: false, denied: true, message: `fetch: at most ${this.limits.fetchMaxRequests} requests per call` });
    }
    const deadline = (call.ranAt ?? performance.now()) + call.timeoutMs;
    const timeoutMs = Math.max(1, Math.min(this.limits.fetchTimeoutMs, Math.floor(deadline - performance.now())));
    const policy = {
      allowedHosts: call.allowedHosts,
      timeoutMs,
      maxResponseBytes: this.limits.fetchMaxResponseBytes,
      signal: call.done.signal,
      lookup: this.lookup,
    };
    const answer = await hostFetch(requestJson, policy);
    return call.done.signal.aborted ? over : answer;
  }
}
