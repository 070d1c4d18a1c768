import { readFileSync } from 'node:fs';
import { createTestContext, runSourceConformance } from '@tributary/plugin-kit/conformance';
import { SourceError } from '@tributary/plugin-kit';
import { Sandbox } from '../../sandbox/src/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import customCode, { connectCustomCode } from '../../plugins/custom-code/src/index.js';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { LEGACY_SCRIPT, legacyConfig } from './legacy-script.js';

const sandbox = new Sandbox();
let peer: DirectoryPeer;
const seed = { email: 'seed@legacy.test', password: 'seed-pass-1' };

beforeAll(async () => {
  peer = await startDirectoryPeer();
  peer.addUser({ ...seed, name: 'Seed' });
  for (let i = 0; i < 150; i++) peer.addUser({ email: `filler-${i}@legacy.test`, password: 'filler-pass-1' });
});
afterAll(async () => {
  await peer.close();
  sandbox.dispose();
});

// The kit's suite, as any third-party source runs it, on the README's script against a live HTTP service.
runSourceConformance({
  source: customCode,
  config: () => legacyConfig(peer),
  seedUser: seed,
  unknownEmail: 'nobody@legacy.test',
  runner: { describe, it, beforeAll, afterAll },
  context: () => ({ ...createTestContext(), services: { sandbox } }),
});

describe('custom-code connect', () => {
  const connect = (config: Record<string, unknown>, services: Record<string, unknown> = { sandbox }) =>
    connectCustomCode(customCode.config.parse(config), { ...createTestContext(), services });

  it('needs the sandbox service', async () => {
    await expect(connect(legacyConfig(peer), {})).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(connect(legacyConfig(peer), { sandbox: { run: 'no' } })).rejects.toBeInstanceOf(SourceError);
  });

  it('refuses code that does not compile, naming the line, and code without the required exports', async () => {
    await expect(connect(legacyConfig(peer, 'export async function authenticate() {\n  return {\n}}}'))).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      field: 'code',
      message: expect.stringMatching(/^code: syntax error \(line 3\)/),
    });
    await expect(connect(legacyConfig(peer, 'export async function authenticate() { return null; }'))).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: 'code: must export async functions "getUser"',
    });
  });

  it('offers listUsers only when the script exports it', async () => {
    const bare = LEGACY_SCRIPT.replace('export async function listUsers', 'async function listUsers');
    expect((await connect(legacyConfig(peer, bare))).listUsers).toBeUndefined();
    expect((await connect(legacyConfig(peer))).listUsers).toBeTypeOf('function');
  });

  it('is the script the README shows', () => {
    const readme = readFileSync(new URL('../../plugins/custom-code/README.md', import.meta.url), 'utf8');
    expect(readme).toContain(LEGACY_SCRIPT.slice(LEGACY_SCRIPT.indexOf('async function call')));
  });

  it('validates config: hosts without scheme, env names', () => {
    expect(customCode.config.safeParse({ code: 'x', allowedHosts: ['https://a.example'] }).success).toBe(false);
    expect(customCode.config.safeParse({ code: 'x', allowedHosts: ['a.example:8443', '10.0.0.5', '[::1]:80'] }).success).toBe(true);
    expect(customCode.config.safeParse({ code: 'x', env: { '1BAD': 'v' } }).success).toBe(false);
    expect(customCode.secretFields).toEqual(['env']);
  });
});
