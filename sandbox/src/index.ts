export { Sandbox, sandboxRuns, type SandboxRun } from './sandbox.js';
export { isAllowedHost } from './host-fetch.js';
export { isInternalAddress, type HostLookup, type ResolvedAddress } from './destination.js';
export type { CheckOptions, CheckResult, ExecutionLog, FaultKind, LogEntry, LogLevel, RunRequest, SandboxOptions, SandboxResult } from './types.js';
