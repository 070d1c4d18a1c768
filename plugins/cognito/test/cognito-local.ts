import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

const require = createRequire(import.meta.url);

export interface CognitoLocal {
  endpoint: string;
  admin: CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

/**
 * cognito-local as a child process in a fresh temp dir (its state lives in ./.cognito under the cwd).
 * It binds port 0 and we read the port from its start-up line, so parallel test files never race for a port.
 */
export async function startCognitoLocal(): Promise<CognitoLocal> {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-local-'));
  const entry = join(require.resolve('cognito-local/package.json').replace(/package\.json$/, ''), 'lib/bin/start.js');
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: dir,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DEBUG: '', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no start-up line within 15 s')), 15_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        // eslint-disable-next-line no-control-regex
        const match = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    const ok = await fetch(`${endpoint}/health`).then((r) => r.ok);
    if (!ok) throw new Error('/health did not answer ok');
    // Stop keeping its log, but keep draining the pipes so a full one never blocks it.
    for (const stream of [child.stdout!, child.stderr!]) stream.removeAllListeners('data').resume();
    return running(endpoint, child, dir);
  } catch (error) {
    child.kill();
    await rm(dir, { recursive: true, force: true });
    throw new Error(`cognito-local did not start: ${(error as Error).message}\n${output.slice(-2000)}`, { cause: error });
  }
}

function running(endpoint: string, child: ChildProcess, dir: string): CognitoLocal {
  const admin = new CognitoIdentityProviderClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    endpoint,
    admin,
    async stop() {
      admin.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
