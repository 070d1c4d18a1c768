import { once } from 'node:events';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/server-process.js';

// `pnpm serve` in a process of its own, as production runs it, stopped with SIGTERM under load.
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Attempt {
  /** The client's TCP connection was established (the server may still not have accepted it). */
  connectedAt?: number;
  status?: number;
  error?: string;
}

/** One POST on a connection of its own, so no request ever waits on a kept-alive socket. */
function post(port: number, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Attempt> {
  return new Promise((resolve) => {
    const attempt: Attempt = {};
    const payload = JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ...attempt, status: res.statusCode }));
      res.on('error', (error) => resolve({ ...attempt, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    });
    req.on('socket', (socket) => socket.on('connect', () => (attempt.connectedAt = performance.now())));
    req.on('error', (error) => resolve({ ...attempt, error: (error as NodeJS.ErrnoException).code ?? error.message }));
    req.end(payload);
  });
}

const startServer = () =>
  startServerProcess(cleanups, {
    env: {
      // Each request names its own client address, so the throttle never turns the load away.
      TRIBUTARY_TRUST_PROXY: 'loopback',
      // Failed sign-ins are held for a second: requests that are certainly in flight when SIGTERM comes.
      TRIBUTARY_SIGN_IN_FAILURE_FLOOR_MS: '1000',
      LOG_LEVEL: 'info',
    },
  });

describe('SIGTERM', () => {
  it('finishes the requests in flight, refuses new connections, and exits 0', async () => {
    const { child, port, adminKey } = await startServer();
    const created = await post(
      port,
      '/graphql',
      { query: 'mutation { createUser(input: { email: "steady@drain.test", password: "steady-pass-1" }) { id } }' },
      { authorization: `Bearer ${adminKey}` },
    );
    expect(created.status).toBe(200);

    let address = 0;
    const from = () => ({ 'x-forwarded-for': `198.51.${Math.floor(address / 250)}.${(address++ % 250) + 1}` });
    // Slow: unknown emails, each held a second by the failure floor (401). Fast: good passwords, one argon2id verify each (200).
    const slow = Array.from({ length: 3 }, (_, i) => post(port, '/auth/sign-in', { email: `nobody-${i}@drain.test`, password: 'whatever-pass-1' }, from()));
    let stopped = false;
    const fast: { attempt: Attempt; startedAt: number }[] = [];
    const worker = async () => {
      while (!stopped) {
        const startedAt = performance.now();
        const attempt = await post(port, '/auth/sign-in', { email: 'steady@drain.test', password: 'steady-pass-1' }, from());
        fast.push({ attempt, startedAt });
        if (attempt.error === 'ECONNREFUSED') return;
      }
    };
    const workers = Array.from({ length: 3 }, worker);

    // The slow requests are surely being served (the floor holds them a second); then SIGTERM.
    await sleep(300);
    const exited = once(child, 'exit');
    const signalledAt = performance.now();
    child.kill('SIGTERM');
    const answers = await Promise.all(slow);
    const [code] = (await exited) as [number | null];
    stopped = true;
    await Promise.all(workers);

    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401]);
    expect(code).toBe(0);
    // Every answer is the right one: nothing was cut or failed for the stop.
    const answered = fast.filter(({ attempt }) => attempt.status !== undefined);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.filter(({ attempt }) => attempt.status !== 200)).toEqual([]);
    // Connections made well before the signal were accepted: each got its answer. Around and after the
    // signal the listener closes: a connection is refused, or reset if it was still in the kernel's backlog.
    const accepted = fast.filter(({ attempt }) => attempt.connectedAt !== undefined && attempt.connectedAt < signalledAt - 100);
    expect(accepted.filter(({ attempt }) => attempt.status !== 200)).toEqual([]);
    const failed = fast.filter(({ attempt }) => attempt.error !== undefined);
    expect(failed.every(({ attempt }) => attempt.error === 'ECONNREFUSED' || attempt.error === 'ECONNRESET')).toBe(true);
    expect(failed.at(-1)?.attempt.error).toBe('ECONNREFUSED');
  }, 60_000);
});
