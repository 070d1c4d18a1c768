import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { freePort } from '../../plugins/kit/src/testing.js';
import { createDatabase } from './databases.js';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  adminKey: string;
}

export interface ServerProcessOptions {
  env?: Record<string, string>;
  /** Modules preloaded with `--import` before tsx, relative to the repository root. */
  preload?: string[];
}

/**
 * `pnpm serve` in a process of its own on a fresh database, as production runs it: for tests of what only a
 * whole process shows (signals, the modules it loads). What undoes it goes on `cleanups`, to run in reverse.
 */
export async function startServerProcess(cleanups: (() => Promise<unknown>)[], options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const database = await createDatabase(inject('pgAdminUrl'));
  cleanups.push(database.drop);
  const port = await freePort();
  const adminKey = `trb_admin_${randomBytes(32).toString('base64url')}`;
  const preload = ['./scripts/threadpool.mjs', ...(options.preload ?? []), 'tsx'].flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, ['--no-node-snapshot', ...preload, 'core/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: String(port),
      TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64'),
      TRIBUTARY_BOOTSTRAP_ADMIN_KEY: adminKey,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Tributary is running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, port, url: `http://127.0.0.1:${port}`, adminKey };
}
