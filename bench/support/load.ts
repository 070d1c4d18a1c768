import { forkBenchProcess, nextMessage } from './ipc.js';

export type LoadSpec = {
  url: string;
  connections: number;
  seconds: number;
  /** Requests per second across all connections (autocannon's overallRate); unset: as fast as the server answers. */
  rate?: number;
} & ({ kind: 'sign-in'; emails: string[]; password: string } | { kind: 'refresh'; tokens: string[] } | { kind: 'graphql'; adminKey: string; query: string });

export interface LoadResult {
  /** 2xx answers. */
  ok: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  seconds: number;
  p50: number;
  p99: number;
  /** The load generator's own CPU during the run. */
  cpuMs: number;
}

/**
 * One run of autocannon in a fresh process (load-process.ts). `started` is called once the process is up and
 * just before the load begins, so the caller's CPU samples leave out the process start.
 */
export async function runLoad(spec: LoadSpec, started: () => void): Promise<LoadResult> {
  const child = forkBenchProcess('./load-process.ts');
  await nextMessage(child, 'ready');
  const result = nextMessage<{ result: LoadResult }>(child, 'result');
  started();
  child.send(spec);
  return (await result).result;
}
