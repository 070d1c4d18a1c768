import type ivm from 'isolated-vm';

/** How long past a limit the watchdog waits, so isolated-vm's own timeout wins when it applies:
 * that one stops the script and keeps the isolate, where the watchdog has to throw it away. */
const graceMs = 20;

export interface WatchedCall {
  /** Wall-clock time left for the call, and the limits as the caller gave them (for messages). */
  readonly wallLeftMs: number;
  readonly timeoutMs: number;
  readonly cpuTimeMs: number;
  /** The isolate running the call (it may be created, or replaced, during the call). */
  readonly isolate: () => ivm.Isolate | undefined;
  /** The isolate's CPU time when the script itself started; undefined while it is being set up. */
  readonly cpuBase: () => bigint | undefined;
  /** Called once a limit is exceeded, with the message for the author; must stop the script. */
  readonly kill: (message: string) => void;
}

/**
 * isolated-vm's `timeout` only covers work that runs before a call returns its promise; code
 * resumed later (after an awaited fetch) runs unwatched. This watchdog covers the rest, with the
 * wall-clock deadline and the CPU budget read from `isolate.cpuTime`. Returns the disarm function.
 */
export function startWatchdog(call: WatchedCall): () => void {
  const wall = setTimeout(() => call.kill(`The script exceeded its wall-clock limit of ${call.timeoutMs} ms`), call.wallLeftMs + graceMs);
  let cpu: NodeJS.Timeout | undefined;
  if (call.cpuTimeMs < call.wallLeftMs) {
    // CPU time never outruns wall time, so checking when the budget could first be spent is enough.
    const check = (): void => {
      const isolate = call.isolate();
      if (!isolate || isolate.isDisposed) return;
      const base = call.cpuBase();
      const usedMs = base === undefined ? 0 : Number(isolate.cpuTime - base) / 1e6;
      if (usedMs >= call.cpuTimeMs) call.kill(`The script exceeded its CPU-time limit of ${call.cpuTimeMs} ms`);
      else cpu = setTimeout(check, Math.max(1, call.cpuTimeMs - usedMs));
    };
    cpu = setTimeout(check, call.cpuTimeMs + graceMs);
  }
  return () => {
    clearTimeout(wall);
    clearTimeout(cpu);
  };
}
