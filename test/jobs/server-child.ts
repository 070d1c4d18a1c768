// A Tributary node in a process of its own (with the directory test source), for tests that kill one
// for real. Started by startServerChild (nodes.test.ts); says { type: 'ready', url } over IPC.
import { createLogger, loadConfig, startApp } from '@tributary/core';
import { directorySource } from '../fixtures/directory-source.js';

if (!process.send) throw new Error('server-child.ts is started by startServerChild() with an IPC channel');
const config = loadConfig({ ...process.env, NODE_ENV: 'test', PORT: '0' });
const app = await startApp({ config, sources: [directorySource], logger: createLogger(config.logLevel) });
process.on('message', (message: { type: string }) => {
  if (message.type === 'close') void app.close().then(() => process.exit(0));
});
process.send({ type: 'ready', url: app.url });
