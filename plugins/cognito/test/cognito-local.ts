import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

const require = createRequire(import.meta.url);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface CognitoLocal {
  endpoint: string;
  admin: CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

/** cognito-local as a child process in a fresh temp dir (its state lives in ./.cognito under the cwd). */
export async function startCognitoLocal(): Promise<CognitoLocal> {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-local-'));
  const port = await freePort();
  const entry = join(require.resolve('cognito-local/package.json').replace(/package\.json$/, ''), 'lib/bin/start.js');
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: dir,
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DEBUG: '' },
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${endpoint}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 100 || child.exitCode !== null) throw new Error('cognito-local did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const admin = new CognitoIdentityProviderClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    endpoint,
    admin,
    async stop() {
      admin.destroy();
      child.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
