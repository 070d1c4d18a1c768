import type { SandboxOptions } from './types.js';

/** Options with every default filled in; validated once so a misconfiguration fails at start. */
export interface Limits {
  readonly memoryLimitMb: number;
  readonly maxIsolates: number;
  readonly maxLogEntries: number;
  readonly maxLogChars: number;
  readonly maxOutputChars: number;
  readonly fetchMaxResponseBytes: number;
  readonly fetchTimeoutMs: number;
  readonly fetchMaxRequests: number;
}

const defaults: Limits = {
  memoryLimitMb: 64,
  maxIsolates: 100,
  maxLogEntries: 100,
  maxLogChars: 16_384,
  maxOutputChars: 1_048_576,
  fetchMaxResponseBytes: 1_048_576,
  fetchTimeoutMs: 5_000,
  fetchMaxRequests: 20,
};

export function resolveLimits(options: SandboxOptions): Limits {
  const limits: Limits = {
    memoryLimitMb: options.memoryLimitMb ?? defaults.memoryLimitMb,
    maxIsolates: options.maxIsolates ?? defaults.maxIsolates,
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
