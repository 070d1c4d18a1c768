import { readFileSync } from 'node:fs';
import { createTestContext, runSourceConformance } from '@tributary/plugin-kit/conformance';
import { Sandbox } from '../../sandbox/src/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import customCode from '../../plugins/custom-code/src/index.js';
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
  context: () => createTestContext({ services: { sandbox } }),
});

// The plugin's own tests (connect, faults, config) live in plugins/custom-code/test.
describe('custom-code README', () => {
  it('is the script the README shows', () => {
    const readme = readFileSync(new URL('../../plugins/custom-code/README.md', import.meta.url), 'utf8');
    expect(readme).toContain(LEGACY_SCRIPT.slice(LEGACY_SCRIPT.indexOf('async function call')));
  });
});
