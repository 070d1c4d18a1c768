import { fork, type ChildProcess } from 'node:child_process';

/** A TypeScript file of bench/support in a process of its own (tsx, and the node flags and thread-pool preload of `pnpm serve`). */
export function forkBenchProcess(file: string, env: Record<string, string> = {}): ChildProcess {
  return fork(new URL(file, import.meta.url).pathname, [], {
    execArgv: [
      '--no-node-snapshot',
      '--max-semi-space-size=8',
      `--max-old-space-size=${process.env.TRIBUTARY_HEAP_MB ?? 192}`,
      '--import',
      new URL('../../scripts/threadpool.mjs', import.meta.url).href,
      '--import',
      'tsx',
    ],
    env: { ...process.env, ...env },
  });
}

/** The child's next IPC message of `type`; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message as T);
    };
    const onExit = (code: number | null) => {
      child.off('message', onMessage);
      reject(new Error(`the benchmark's child process exited (code ${code}) before sending "${type}"`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends a request and waits for the answer of type `reply`. */
export function ask<T>(child: ChildProcess, message: { type: string } & Record<string, unknown>, reply: string): Promise<T> {
  const answer = nextMessage<T>(child, reply);
  child.send(message);
  return answer;
}
