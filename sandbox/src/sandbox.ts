// What isolated-vm guarantees, and what it does not (checked against isolated-vm 6.2, Node 24):
// - Isolation: each script version gets its own V8 isolate (own heap and built-ins). Nothing of
//   the host is reachable from inside except the three callbacks we pass (log, fetch) and the
//   strings we copy in; `require`, `process`, timers and the file system do not exist there.
//   Everything crossing the boundary is a JSON string, so no host object or prototype leaks in
//   and nothing from inside (a getter, a Proxy, `__proto__`) runs on the host.
// - Time: the `timeout` option of a call is wall time of the isolate's thread for the work done
//   before the call returns (microtasks queued in that turn included). It does NOT cover code that
//   resumes after a host promise (an awaited fetch): that runs unwatched. Our watchdog covers it
//   with a wall-clock deadline and a CPU-time budget read from `isolate.cpuTime`, and stops such
//   code by disposing the isolate. CPU time is per isolate and approximate when more isolates are
//   busy than there are cores.
// - Memory: `memoryLimit` is a guideline for the V8 heap; a hostile script can reach 2-3 times it
//   before being stopped. ArrayBuffers go through isolated-vm's allocator, which refuses one that
//   would pass the limit (uncaught, we report that as 'oom'); WebAssembly.Memory does not, so
//   `WebAssembly` (with SharedArrayBuffer and Atomics) is removed before the script runs, and the
//   watchdog samples heap plus external memory while a call runs. On hitting the limit
//   isolated-vm disposes the whole isolate; we report 'oom' and recreate it on the next call.
//   Some allocations fail inside instead (a huge string throws RangeError): that is an ordinary
//   'runtime' error the script may even catch.
// - The host stays responsive: isolates run on isolated-vm's thread pool and every call here is
//   async, so a looping script never blocks Node's event loop. A V8 "catastrophic error" (it lost
//   control of an isolate) is reported to `onCatastrophicError`; the process should then exit.
// - Not guaranteed: defence against V8 bugs or Spectre-class side channels (isolates share a
//   process), fairness between scripts beyond the limits above, or state isolation between calls of
//   one script (module-level variables persist while its isolate is warm, like a warm lambda).
import { createHash } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { systemLookup, type HostLookup } from './destination.js';
import { resolveLimits, type Limits } from './limits.js';
import { ScriptPool } from './script-pool.js';
import type { CallLimits, Outcome } from './script-slot.js';
import type { CheckOptions, CheckResult, ExecutionLog, FaultKind, RunRequest, SandboxOptions, SandboxResult } from './types.js';

/** One script call's end: `ok` or its fault kind ('timeout', 'oom', 'unavailable', ...), nothing of its data. */
export interface SandboxRun {
  kind: 'ok' | FaultKind;
  durationMs: number;
}

/** `tributary:sandbox-run` on node:diagnostics_channel, for metrics; nothing is built when nobody listens. */
export const sandboxRuns = channel('tributary:sandbox-run');

export class Sandbox {
  private readonly limits: Limits;
  /** Warm script versions by hash of their code, least recently used first (Map keeps order). */
  private readonly pools = new Map<string, ScriptPool>();
  private readonly onCatastrophicError: (message: string) => void;
  private readonly lookup: HostLookup;
  private disposed = false;

  constructor(options: SandboxOptions = {}) {
    this.limits = resolveLimits(options);
    this.lookup = options.lookup ?? systemLookup;
    this.onCatastrophicError = options.onCatastrophicError ?? ((message) => process.emitWarning(`isolated-vm catastrophic error: ${message}`));
  }

  /** Number of script versions currently cached. */
  get size(): number {
    return this.pools.size;
  }

  /** Isolates of every cached version (at most maxIsolates, give or take one per version). */
  get isolates(): number {
    let total = 0;
    for (const pool of this.pools.values()) total += pool.size;
    return total;
  }

  /** Compiles and evaluates `code` as at upload time: syntax errors with their line, forbidden
   * imports, failing top-level code, or the names of its exported functions. */
  async check(code: string, options: CheckOptions = {}): Promise<CheckResult> {
    const timeoutMs = options.timeoutMs ?? 1000;
    const [outcome, log] = await this.pool(code).check({ timeoutMs, cpuTimeMs: timeoutMs, allowedHosts: [] }, timeoutMs);
    if (!outcome.ok) return { ...outcome, log };
    return { ok: true, exports: outcome.value as string[], log };
  }

  /** Runs one export of `code`. Script faults resolve as `{ ok: false, kind }`; it rejects only
   * for host mistakes (invalid limits, arguments that are not JSON, a disposed sandbox). */
  async run(request: RunRequest): Promise<SandboxResult> {
    const startedAt = performance.now();
    const call = callLimits(request);
    const { queueTimeoutMs = request.timeoutMs } = request;
    if (!Number.isFinite(queueTimeoutMs) || queueTimeoutMs < 0) throw new RangeError(`Sandbox.run: queueTimeoutMs must be a number ≥ 0, got ${queueTimeoutMs}`);
    const argsJson = toJson(request.args, 'args');
    const envJson = toJson(request.env ?? {}, 'env');
    const [outcome, log] = await this.pool(request.code).run(request.exportName, argsJson, envJson, call, queueTimeoutMs);
    const result = stamp(outcome, log, performance.now() - startedAt);
    if (sandboxRuns.hasSubscribers) sandboxRuns.publish({ kind: result.ok ? 'ok' : result.kind, durationMs: result.durationMs } satisfies SandboxRun);
    return result;
  }

  /** Disposes every isolate; calls in progress end with a runtime fault. */
  dispose(): void {
    this.disposed = true;
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }

  private pool(code: string): ScriptPool {
    if (this.disposed) throw new Error('Sandbox is disposed');
    if (typeof code !== 'string') throw new TypeError('Sandbox: code must be a string');
    const key = createHash('sha256').update(code).digest('hex');
    let pool = this.pools.get(key);
    if (pool) this.pools.delete(key);
    else {
      pool = new ScriptPool(code, this.limits, this.onCatastrophicError, this.lookup, () => this.makeRoom(key));
      // Its first isolate is created whatever the bound: make room for it now.
      this.makeRoom(key);
    }
    this.pools.set(key, pool);
    return pool;
  }

  /** Evicts the least recently used versions until one more isolate fits under maxIsolates; the
   * version `keep` (the one asking) is never evicted. */
  private makeRoom(keep: string): boolean {
    let total = this.isolates;
    for (const [key, pool] of this.pools) {
      if (total < this.limits.maxIsolates) break;
      if (key === keep) continue;
      this.pools.delete(key);
      total -= pool.size;
      pool.retire();
    }
    return total < this.limits.maxIsolates;
  }
}

function callLimits(request: RunRequest): CallLimits {
  const { timeoutMs, cpuTimeMs = timeoutMs, allowedHosts = [], exportName } = request;
  for (const [name, value] of [
    ['timeoutMs', timeoutMs],
    ['cpuTimeMs', cpuTimeMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 1) throw new RangeError(`Sandbox.run: ${name} must be a positive number, got ${value}`);
  }
  if (typeof exportName !== 'string' || exportName === '') throw new TypeError('Sandbox.run: exportName must be a non-empty string');
  if (!Array.isArray(request.args)) throw new TypeError('Sandbox.run: args must be an array');
  return { timeoutMs, cpuTimeMs, allowedHosts };
}

function toJson(value: unknown, name: string): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`Sandbox.run: ${name} must be JSON-serialisable`, { cause: error });
  }
}

function stamp(outcome: Outcome, log: ExecutionLog, durationMs: number): SandboxResult {
  return outcome.ok ? { ok: true, value: outcome.value, log, durationMs } : { ...outcome, log, durationMs };
}
