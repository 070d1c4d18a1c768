export { Sandbox } from './sandbox.js';
export { isAllowedHost } from './host-fetch.js';
export type { CheckOptions, CheckResult, ExecutionLog, FaultKind, LogEntry, LogLevel, RunRequest, SandboxOptions, SandboxResult } from './types.js';
