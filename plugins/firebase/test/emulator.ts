import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tributary/plugin-kit/testing';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';

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

/** A Firebase pool's config on this emulator, as an admin would send it (the key file as an object). */
export const emulatorPoolConfig = (emulator: AuthEmulator, serviceAccount: Record<string, string>, overrides: Record<string, unknown> = {}) => ({
  apiKey: 'fake-web-api-key',
  serviceAccount,
  authEmulatorHost: emulator.host,
  ...overrides,
});

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

/**
 * The sample project and user of Firebase's scrypt documentation (github.com/firebase/scrypt README): a
 * real hash Firebase made, with its project's hash config. Published, not a secret.
 */
export const FIREBASE_SAMPLE = {
  hashConfig: {
    algorithm: 'SCRYPT',
    base64SignerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
    base64SaltSeparator: 'Bw==',
    rounds: 8,
    memCost: 14,
  },
  password: 'user1password',
  salt: '42xEC+ixf3L2lw==',
  hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
} as const;

/** firebase-admin on the emulator, as a test's own named app (the env var is set only while getAuth reads it). */
export function emulatorAdmin(host: string, projectId = PROJECT): { auth: Auth; close(): Promise<void> } {
  const app = initializeApp({ projectId }, `test-admin-${Math.random()}`);
  process.env.FIREBASE_AUTH_EMULATOR_HOST = host;
  try {
    return { auth: getAuth(app), close: () => deleteApp(app) };
  } finally {
    delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
  }
}

/** Imports users with the Admin SDK's importUsers and the sample project's SCRYPT config, as a migration into Firebase would. */
export async function importScryptUsers(auth: Auth, users: { uid: string; email: string; salt: string; hash: string }[]): Promise<void> {
  const { hashConfig } = FIREBASE_SAMPLE;
  const result = await auth.importUsers(
    users.map(({ uid, email, salt, hash }) => ({
      uid,
      email,
      emailVerified: true,
      passwordSalt: Buffer.from(salt, 'base64'),
      passwordHash: Buffer.from(hash, 'base64'),
    })),
    {
      hash: {
        algorithm: 'SCRYPT',
        key: Buffer.from(hashConfig.base64SignerKey, 'base64'),
        saltSeparator: Buffer.from(hashConfig.base64SaltSeparator, 'base64'),
        rounds: hashConfig.rounds,
        memoryCost: hashConfig.memCost,
      },
    },
  );
  if (result.failureCount > 0) throw new Error(`importUsers: ${JSON.stringify(result.errors.map((e) => e.error.message))}`);
}
