/**
 * Services core offers a plugin in `ctx.services`. Structural types: a plugin codes against this
 * contract and never imports core's implementation (core's `@tributary/sandbox` satisfies it).
 */
export interface SourceServices {
  /** Runs admin-written scripts in an isolate (the custom-code source). Absent on a server without one. */
  sandbox?: ScriptSandbox;
}

export interface ScriptLogEntry {
  readonly level: string;
  readonly message: string;
  /** Milliseconds since the call started. */
  readonly atMs: number;
}

/** What the script printed during one call; `truncated` once a cap dropped entries or characters. */
export interface ScriptLog {
  readonly entries: readonly ScriptLogEntry[];
  readonly truncated: boolean;
}

/**
 * A script fault, as a value. `kind` is one of `timeout`, `oom`, `syntax`, `runtime`, `denied`
 * (a fetch to a host not allowed), `output` (not JSON), `unavailable` (no isolate free in time);
 * typed as a string so a sandbox that learns a new kind still satisfies this contract.
 */
export interface ScriptFault {
  readonly ok: false;
  readonly kind: string;
  readonly message: string;
  /** 1-based line in the script, when the fault points at one. */
  readonly line?: number;
  readonly log: ScriptLog;
}

export type ScriptCheckResult = { readonly ok: true; readonly exports: readonly string[]; readonly log: ScriptLog } | ScriptFault;

export type ScriptRunResult = { readonly ok: true; readonly value: unknown; readonly log: ScriptLog } | ScriptFault;

export interface ScriptRunRequest {
  /** The ES module source. */
  readonly code: string;
  readonly exportName: string;
  /** Copied into the isolate as JSON. */
  readonly args: readonly unknown[];
  /** The script's secrets, visible to it as the global `env`. */
  readonly env?: Readonly<Record<string, string>>;
  /** Hosts the script's `fetch` may reach: `"api.example.com"` (any port) or `"10.0.0.5:8080"`. */
  readonly allowedHosts?: readonly string[];
  /** Wall-clock and CPU-time limit of the call. */
  readonly timeoutMs: number;
}

export interface ScriptSandbox {
  /** Compiles the module and lists its exports, or says why it does not compile. */
  check(code: string): Promise<ScriptCheckResult>;
  /** Calls one export; faults come back as values, never thrown. */
  run(request: ScriptRunRequest): Promise<ScriptRunResult>;
}
