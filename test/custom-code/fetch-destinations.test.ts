// Where a custom-code script's fetch may connect, through the server: names are resolved by a
// resolver this test controls (no traffic leaves loopback), and an allowed name is only as good as
// the address it resolves to.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { auditOf, poolsOf, signIn } from '../support/sign-in.js';
import { legacyConfig } from './legacy-script.js';

/** Each name's answers in turn (the last one repeated), and every name asked. */
const ANSWERS: Record<string, string[]> = {
  'metadata.test': ['169.254.169.254'],
  'rebind.test': ['127.0.0.1', '169.254.169.254'],
};
const asked: string[] = [];
async function lookup(hostname: string) {
  asked.push(hostname);
  const answers = ANSWERS[hostname] ?? [];
  const address = answers[Math.min(asked.filter((name) => name === hostname).length, answers.length) - 1];
  return address ? [{ address, family: 4 }] : [];
}

let server: TestServer;
let peer: DirectoryPeer;
let pools: ReturnType<typeof poolsOf>;
beforeAll(async () => {
  server = await startTestServer({ sandbox: { lookup } });
  pools = poolsOf(server, 'custom-code');
  peer = await startDirectoryPeer();
  peer.addUser({ email: 'kim@legacy.test', password: 'legacy-pass-1' });
});
afterEach(() => pools.cleanup());
afterAll(async () => {
  await peer.close();
  await server.close();
});

/** The README's script, reaching the peer's port under `host`. */
const through = (host: string, allowedHosts: string[]) => ({
  ...legacyConfig(peer),
  allowedHosts,
  env: { USERS_URL: `http://${host}:${new URL(peer.url).port}`, API_KEY: peer.apiKey },
});

describe('a custom-code script fetching an allowed name', () => {
  it('is refused when the name resolves to the cloud metadata address (169.254.169.254)', async () => {
    await pools.create(through('metadata.test', ['metadata.test']));
    expect(await signIn(server, 'kim@legacy.test', 'legacy-pass-1')).toMatchObject({ status: 503, body: { error: 'source_unavailable' } });
    expect((await auditOf(server, 'kim@legacy.test')).at(-1)!.details.skipped[0].reason).toMatch(
      /denied.*metadata\.test:\d+ resolves to a loopback, link-local or private address/,
    );
  });

  it('connects to the address it checked: a second, different answer for the name cannot redirect the request', async () => {
    const port = new URL(peer.url).port;
    await pools.create(through('rebind.test', [`rebind.test:${port}`, `127.0.0.1:${port}`]));
    const before = asked.length;
    const requests = peer.requests;
    expect((await signIn(server, 'kim@legacy.test', 'legacy-pass-1')).status).toBe(200);
    expect(asked.slice(before)).toEqual(['rebind.test']);
    expect(peer.requests).toBe(requests + 1);
  });
});
