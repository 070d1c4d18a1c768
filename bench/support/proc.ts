import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User plus system CPU a process (all its threads) has used, in ms; 0 once it is gone. */
export function cpuMs(pid: number, file = `/proc/${pid}/stat`): number {
  try {
    const stat = readFileSync(file, 'utf8');
    // After the command name, which may hold spaces: field 3 (state) onwards; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU (ms) by thread name across a process's threads: the main thread is `node` (or the script's name),
 * libuv's pool `libuv-worker`, V8's helpers (GC, compiler) `V8 DefaultWorke`. A thread that ended is lost.
 */
export function cpuMsByThread(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const task of tasks) {
    try {
      const name = task === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim();
      byName.set(name, (byName.get(name) ?? 0) + cpuMs(Number(task), `/proc/${pid}/task/${task}/stat`));
    } catch {
      // the thread ended meanwhile
    }
  }
  return byName;
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
}

/** How many threads of a process bear this name (libuv names its pool's threads `libuv-worker`). */
export function threadsNamed(pid: number, name: string): number {
  return readdirSync(`/proc/${pid}/task`).filter((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim() === name;
    } catch {
      return false;
    }
  }).length;
}
