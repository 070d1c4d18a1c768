import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tributary/plugin-kit/testing';

const require = createRequire(import.meta.url);
export const PROJECT = 'demo-test';

export interface AuthEmulator {
  host: string;
  url: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Auth emulator from firebase-tools, isolated in a temp HOME; takes 7–10 s to come up. Its ports are
 * probed free first; when one is taken before the emulator binds it (parallel test files), it exits at
 * once and we try again on other ports.
 */
export async function startAuthEmulator(): Promise<AuthEmulator> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

async function startOnce(): Promise<AuthEmulator> {
  const dir = await mkdtemp(join(tmpdir(), 'firebase-emulator-'));
  const [auth, hub, logging] = [await freePort(), await freePort(), await freePort()];
  const emulators = {
    auth: { host: '127.0.0.1', port: auth },
    hub: { host: '127.0.0.1', port: hub },
    logging: { host: '127.0.0.1', port: logging },
    ui: { enabled: false },
  };
  await writeFile(join(dir, 'firebase.json'), JSON.stringify({ emulators }));
  const bin = join(require.resolve('firebase-tools/package.json').replace(/package\.json$/, ''), 'lib/bin/firebase.js');
  const child: ChildProcess = spawn(process.execPath, [bin, 'emulators:start', '--only', 'auth', '--project', PROJECT], {
    cwd: dir,
    env: { ...process.env, HOME: dir, TMPDIR: dir, FIREBASE_CLI_DISABLE_UPDATE_CHECK: 'true', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // firebase-tools runs the emulator in its own process group (detached): end the group.
  const kill = async () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const host = `127.0.0.1:${auth}`;
  const url = `http://${host}`;
  const started = Date.now();
  for (;;) {
    const ready = await fetch(`${url}/`)
      .then((r) => r.json() as Promise<{ authEmulator?: { ready?: boolean } }>)
      .then(
        (b) => b.authEmulator?.ready === true,
        () => false,
      );
    // Our child must say so too: on a port taken by another emulator, that other one would answer.
    if (ready && /All emulators ready/.test(output)) break;
    if (Date.now() - started > 60_000 || child.exitCode !== null) {
      await kill();
      throw new Error(`the Firebase Auth emulator did not start:\n${output.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    host,
    url,
    async reset() {
      await fetch(`${url}/emulator/v1/projects/${PROJECT}/accounts`, { method: 'DELETE' });
    },
    stop: kill,
  };
}

/** A well-formed key file with a real (unused) RSA key: the emulator ignores credentials. */
export function fakeServiceAccount(projectId = PROJECT): Record<string, string> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    type: 'service_account',
    project_id: projectId,
    private_key_id: 'test',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `tributary@${projectId}.iam.gserviceaccount.com`,
    client_id: '1',
  };
}
