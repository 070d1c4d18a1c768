import type { HostLookup } from './destination.js';

// Public contract of @tributary/sandbox. Script faults come back as values (STYLE "Results as
// values at the sandbox edge"); only host misuse (bad options, a disposed sandbox) throws.

/** What went wrong, from the script author's point of view. */
export type FaultKind = 'timeout' | 'oom' | 'syntax' | 'runtime' | 'denied' | 'output' | 'unavailable';

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  /** Milliseconds since the call started. */
  readonly atMs: number;
}

/** The execution log of one call; `truncated` is set once a cap dropped entries or characters. */
export interface ExecutionLog {
  readonly entries: readonly LogEntry[];
  readonly truncated: boolean;
}

export type SandboxResult =
  | { readonly ok: true; readonly value: unknown; readonly log: ExecutionLog; readonly durationMs: number }
  | {
      readonly ok: false;
      readonly kind: FaultKind;
      readonly message: string;
      /** 1-based line in the script, when the fault points at one. */
      readonly line?: number;
      readonly log: ExecutionLog;
      readonly durationMs: number;
    };

export type CheckResult =
  | { readonly ok: true; readonly exports: readonly string[]; readonly log: ExecutionLog }
  | {
      readonly ok: false;
      readonly kind: FaultKind;
      readonly message: string;
      readonly line?: number;
      readonly log: ExecutionLog;
    };

export interface SandboxOptions {
  /** V8 heap limit per isolate (isolated-vm minimum 8). Default 64. */
  readonly memoryLimitMb?: number;
  /** Bound of warm isolates, all script versions together (least recently used versions go first). Default 100. */
  readonly maxIsolates?: number;
  /** Isolates one script version may run at once, each a call at a time. Default: from the
   * machine's cores and memory, 2 to 16 (see limits.ts). */
  readonly isolatesPerScript?: number;
  /** Per call log caps. Defaults: 100 entries, 16 384 characters. */
  readonly maxLogEntries?: number;
  readonly maxLogChars?: number;
  /** Largest JSON result a script may return, in characters. Default 1 MiB. */
  readonly maxOutputChars?: number;
  /** Host fetch caps: response body bytes (default 1 MiB), per-request timeout (default 5 s),
   * requests per call (default 20). */
  readonly fetchMaxResponseBytes?: number;
  readonly fetchTimeoutMs?: number;
  readonly fetchMaxRequests?: number;
  /** Resolves the host names a script fetches (default `dns.lookup`); each answer is checked
   * against internal address space before the request connects to it. */
  readonly lookup?: HostLookup;
  /** isolated-vm reports V8 losing control of an isolate here; the process should then stop. */
  readonly onCatastrophicError?: (message: string) => void;
}

export interface RunRequest {
  /** The ES module source; its hash is the cache key. */
  readonly code: string;
  /** `'default'` for a prehook, `'authenticate'` / `'getUser'` / `'listUsers'` for a source. */
  readonly exportName: string;
  /** Copied into the isolate as JSON. */
  readonly args: readonly unknown[];
  /** The script's own secrets, visible to it as the global `env` (frozen). */
  readonly env?: Readonly<Record<string, string>>;
  /** Hosts `fetch` may reach: `"api.example.com"` (any port) or `"127.0.0.1:8080"` (that port). */
  readonly allowedHosts?: readonly string[];
  /** Wall-clock limit of the script's run, from when it has an isolate to its result. */
  readonly timeoutMs: number;
  /** How long the call may wait for a free isolate of its script; past it the result is
   * `{ kind: 'unavailable' }` and the script never ran. Defaults to `timeoutMs`. */
  readonly queueTimeoutMs?: number;
  /** CPU-time limit inside the isolate; defaults to `timeoutMs`. */
  readonly cpuTimeMs?: number;
}

export interface CheckOptions {
  /** Limit for running the module's top-level code. Default 1000. */
  readonly timeoutMs?: number;
}
