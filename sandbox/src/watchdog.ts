import type ivm from 'isolated-vm';

/** How long past a limit the watchdog waits, so isolated-vm's own timeout wins when it applies:
 * that one stops the script and keeps the isolate, where the watchdog has to throw it away. */
const graceMs = 20;
/** How often a call that has its isolate but not yet a thread checks whether it started. */
const startPollMs = 25;
/** How often the isolate's memory is sampled while a call runs. */
const memoryEveryMs = 50;
/** V8's used heap still holds garbage between collections, which isolated-vm collects before it
 * judges; the watchdog only steps in well past the limit, where no collection can help. */
const memorySlack = 2;

export interface WatchedCall {
  /** The wall-clock limit, counted from when the script starts running. */
  readonly timeoutMs: number;
  /** When the script started running (it may wait for a thread after getting its isolate). */
  readonly ranAt: () => number | undefined;
  /** Until when the call may still wait to start; past it (and its timeoutMs), it never ran. */
  readonly startBy: number;
  readonly cpuTimeMs: number;
  readonly memoryLimitMb: number;
  /** The isolate running the call (it may be created, or replaced, during the call). */
  readonly isolate: () => ivm.Isolate | undefined;
  /** The isolate's CPU time when the script itself started; undefined while it is being set up. */
  readonly cpuBase: () => bigint | undefined;
  /** Called once a limit is exceeded, with the message for the author; must stop the script. */
  readonly kill: (kind: 'timeout' | 'oom' | 'unavailable', message: string) => void;
}

/**
 * isolated-vm's `timeout` only covers work that runs before a call returns its promise; code
 * resumed later (after an awaited fetch) runs unwatched. This watchdog covers the rest, with the
 * wall-clock deadline and the CPU budget read from `isolate.cpuTime`. The wall clock starts when
 * the script does: isolated-vm runs isolates on cores + 1 threads, so under load a call may wait for
 * one, and that wait is queueing, not the script's time (a call that never started is
 * 'unavailable', not 'timeout'; callers may not read it as the script's failure). It counts memory the
 * way isolated-vm's limit does not always: the V8 heap plus everything allocated outside it
 * (`externally_allocated_size`: array buffers). Returns the disarm function.
 */
export function startWatchdog(watched: WatchedCall): () => void {
  let armed = true;
  // A limit's timer and the script's result can be due in the same turn of the event loop, and
  // timers come first: the kill waits for setImmediate, after pending results are delivered (and
  // the call disarms this), so a host busy with other work never turns a finished call into a kill.
  const call: WatchedCall = {
    ...watched,
    kill: (kind, message) => {
      setImmediate(() => {
        if (!armed) return;
        armed = false;
        watched.kill(kind, message);
      });
    },
  };
  const acquiredAt = performance.now();
  const checkWall = (): void => {
    const now = performance.now();
    const ranAt = call.ranAt();
    if (ranAt === undefined) {
      const startBy = Math.max(call.startBy, acquiredAt + call.timeoutMs);
      // Look again soon: once it starts, its own wall clock must be enforced from that moment.
      if (now < startBy) wall = setTimeout(checkWall, Math.min(startBy - now, startPollMs));
      else call.kill('unavailable', `The script did not run: no sandbox thread was free for ${Math.round(now - acquiredAt)} ms`);
      return;
    }
    const left = ranAt + call.timeoutMs - now;
    if (left <= 0) call.kill('timeout', `The script exceeded its wall-clock limit of ${call.timeoutMs} ms`);
    else wall = setTimeout(checkWall, left + graceMs);
  };
  let wall = setTimeout(checkWall, call.timeoutMs + graceMs);
  let cpu: NodeJS.Timeout | undefined;
  if (call.cpuTimeMs < call.timeoutMs) {
    // CPU time never outruns wall time, so checking when the budget could first be spent is enough.
    const check = (): void => {
      const isolate = call.isolate();
      if (!isolate || isolate.isDisposed) return;
      const base = call.cpuBase();
      const usedMs = base === undefined ? 0 : Number(isolate.cpuTime - base) / 1e6;
      if (usedMs >= call.cpuTimeMs) call.kill('timeout', `The script exceeded its CPU-time limit of ${call.cpuTimeMs} ms`);
      else cpu = setTimeout(check, Math.max(1, call.cpuTimeMs - usedMs));
    };
    cpu = setTimeout(check, call.cpuTimeMs + graceMs);
  }
  let memory: NodeJS.Timeout | undefined;
  const limitBytes = call.memoryLimitMb * 1024 * 1024 * memorySlack;
  const sample = (): void => {
    const isolate = call.isolate();
    if (!isolate || isolate.isDisposed) return void (memory = setTimeout(sample, memoryEveryMs));
    // The async form waits for the isolate's thread; the sync one would block the host's.
    isolate.getHeapStatistics().then(
      (stats) => {
        if (!armed) return;
        if (stats.used_heap_size + stats.externally_allocated_size > limitBytes) {
          call.kill('oom', `The script exceeded its memory limit of ${call.memoryLimitMb} MB`);
        } else memory = setTimeout(sample, memoryEveryMs);
      },
      // Disposed meanwhile: the call is ending anyway.
      () => undefined,
    );
  };
  memory = setTimeout(sample, memoryEveryMs);
  return () => {
    armed = false;
    clearTimeout(wall);
    clearTimeout(cpu);
    clearTimeout(memory);
  };
}
