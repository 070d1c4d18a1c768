import http from 'node:http';
import type { SignInTiming } from '@tributary/core';
import { forkBenchProcess, nextMessage } from './ipc.js';

export interface ServerProcess {
  url: string;
  /** For the CPU and memory the process uses (/proc/<pid>). */
  pid: number;
  adminKey: string;
  /** The server's own timings of the sign-ins since the last call (node:diagnostics_channel `tributary:sign-in`). */
  signInTimings(): Promise<SignInTiming[]>;
  /** The server's process.memoryUsage(): what of its resident memory is JavaScript heap, what native. */
  memory(): Promise<NodeJS.MemoryUsage>;
  /** Starts a V8 CPU profile of the server; `stop` writes it (a .cpuprofile for DevTools or bench/profile-summary.ts) to `file`. */
  profile(): Promise<{ stop(file: string): Promise<void> }>;
  close(): Promise<void>;
}

/**
 * The app in a child process on `databaseUrl` (server-process.ts), with source plugins named as
 * `module-url#export`. Keeps the load generator's own cost out of the server's event loop.
 */
export async function startServerProcess(databaseUrl: string, sources: string[] = []): Promise<ServerProcess> {
  const child = forkBenchProcess('./server-process.ts', { BENCH_SERVER_DATABASE_URL: databaseUrl, BENCH_SERVER_SOURCES: sources.join(',') });
  const next = <T>(type: string) => nextMessage<T>(child, type);
  const { url, adminKey } = await next<{ url: string; adminKey: string }>('ready');
  return {
    url,
    pid: child.pid!,
    adminKey,
    async signInTimings() {
      const reply = next<{ timings: SignInTiming[] }>('timings');
      child.send({ type: 'timings' });
      return (await reply).timings;
    },
    async memory() {
      const reply = next<{ memory: NodeJS.MemoryUsage }>('memory');
      child.send({ type: 'memory' });
      return (await reply).memory;
    },
    async profile() {
      const started = next('profiled');
      child.send({ type: 'profile-start' });
      await started;
      return {
        async stop(file: string) {
          const stopped = next('profiled');
          child.send({ type: 'profile-stop', file });
          await stopped;
        },
      };
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' });
      await exited;
    },
  };
}

/**
 * A keep-alive JSON POST on node:http: a lighter client than fetch, so less of the measured round
 * trip is the load generator's.
 */
export function jsonPoster(baseUrl: string, connections: number): (path: string, body: unknown) => Promise<{ status: number; body: string }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const { hostname, port } = new URL(baseUrl);
  return (path, body) =>
    new Promise((resolve, reject) => {
      const payload = JSON.stringify(body);
      const request = http.request(
        { host: hostname, port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
}
