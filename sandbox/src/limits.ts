import { availableParallelism, totalmem } from 'node:os';
import type { SandboxOptions } from './types.js';

/** Options with every default filled in; validated once so a misconfiguration fails at start. */
export interface Limits {
  readonly memoryLimitMb: number;
  readonly maxIsolates: number;
  readonly isolatesPerScript: number;
  readonly maxLogEntries: number;
  readonly maxLogChars: number;
  readonly maxOutputChars: number;
  readonly fetchMaxResponseBytes: number;
  readonly fetchTimeoutMs: number;
  readonly fetchMaxRequests: number;
}

/** isolatesPerScript depends on the machine: see defaultIsolatesPerScript. */
const defaults: Omit<Limits, 'isolatesPerScript'> = {
  memoryLimitMb: 64,
  maxIsolates: 100,
  maxLogEntries: 100,
  maxLogChars: 16_384,
  maxOutputChars: 1_048_576,
  fetchMaxResponseBytes: 1_048_576,
  fetchTimeoutMs: 5_000,
  fetchMaxRequests: 20,
};

/**
 * How many isolates one script version may run at once. A call that waits on `fetch` holds its
 * isolate without using a core, so a script calling a 200 ms service needs several isolates to
 * serve more than five calls a second: four per core lets I/O-bound scripts overlap while a
 * CPU-bound one still cannot occupy more threads than a few cores' worth. Memory is the harder
 * bound, since each isolate may reach its limit (2-3 times it, for a hostile script): the pool of
 * one script never counts on more than an eighth of the machine's memory at 3 times the limit.
 * Never fewer than 2 (one slow call must not stall the rest), never more than 16.
 */
export function defaultIsolatesPerScript(memoryLimitMb: number): number {
  const byCores = availableParallelism() * 4;
  const byMemory = Math.floor(totalmem() / 8 / (3 * memoryLimitMb * 1024 * 1024));
  return Math.max(2, Math.min(16, byCores, byMemory));
}

export function resolveLimits(options: SandboxOptions): Limits {
  const memoryLimitMb = options.memoryLimitMb ?? defaults.memoryLimitMb;
  const limits: Limits = {
    memoryLimitMb,
    maxIsolates: options.maxIsolates ?? defaults.maxIsolates,
    isolatesPerScript: options.isolatesPerScript ?? defaultIsolatesPerScript(memoryLimitMb),
    maxLogEntries: options.maxLogEntries ?? defaults.maxLogEntries,
    maxLogChars: options.maxLogChars ?? defaults.maxLogChars,
    maxOutputChars: options.maxOutputChars ?? defaults.maxOutputChars,
    fetchMaxResponseBytes: options.fetchMaxResponseBytes ?? defaults.fetchMaxResponseBytes,
    fetchTimeoutMs: options.fetchTimeoutMs ?? defaults.fetchTimeoutMs,
    fetchMaxRequests: options.fetchMaxRequests ?? defaults.fetchMaxRequests,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`Sandbox option ${name} must be a positive integer, got ${value}`);
  }
  // isolated-vm silently raises smaller limits to its minimum; say so instead.
  if (limits.memoryLimitMb < 8) throw new RangeError(`Sandbox option memoryLimitMb must be at least 8, got ${limits.memoryLimitMb}`);
  return limits;
}
