// The child side of startServerProcess (server.ts): the app in a process of its own, as production runs
// it, so a benchmark's load generator is not counted in the server's event loop. Speaks over IPC.
import { subscribe } from 'node:diagnostics_channel';
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

process.on('message', (message: { type: string }) => {
  if (message.type === 'timings') {
    send({ type: 'timings', timings });
    timings = [];
  } else if (message.type === 'memory') {
    send({ type: 'memory', memory: process.memoryUsage() });
  } else if (message.type === 'close') {
    void app.close().then(() => process.exit(0));
  }
});
send({ type: 'ready', url: app.url, adminKey });
