// The child side of startServerProcess (server.ts): the app in a process of its own, as production runs
// it, so a benchmark's load generator is not counted in the server's event loop. Speaks over IPC.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { PoolSource } from '../../plugins/kit/src/index.js';
import { signInTimings, type SignInTiming } from '@tributary/core';
import { startBenchApp } from './app.js';

const databaseUrl = process.env.BENCH_SERVER_DATABASE_URL;
if (!databaseUrl || !process.send) throw new Error('server-process.ts is started by startServerProcess() in server.ts');
const send = process.send.bind(process);

const sources: PoolSource[] = [];
for (const module of (process.env.BENCH_SERVER_SOURCES ?? '').split(',').filter(Boolean)) {
  const [file, name] = module.split('#');
  sources.push((await import(file!))[name!] as PoolSource);
}
const { app, adminKey } = await startBenchApp(databaseUrl, { sources });

let timings: SignInTiming[] = [];
subscribe(signInTimings.name, (message) => timings.push(message as SignInTiming));

// A CPU profile of the server alone over a window the benchmark chooses (BENCH_PROFILE): startup and seeding left out.
let profiler: Session | undefined;
async function profile(message: { type: string; file?: string }): Promise<void> {
  if (message.type === 'profile-start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  } else if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(message.file!, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
  }
  send({ type: 'profiled' });
}

process.on('message', (message: { type: string; file?: string }) => {
  if (message.type === 'profile-start' || message.type === 'profile-stop') {
    void profile(message);
  } else if (message.type === 'timings') {
    send({ type: 'timings', timings });
    timings = [];
  } else if (message.type === 'memory') {
    send({ type: 'memory', memory: process.memoryUsage() });
  } else if (message.type === 'close') {
    void app.close().then(() => process.exit(0));
  }
});
send({ type: 'ready', url: app.url, adminKey });
