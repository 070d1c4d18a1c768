import { createServer } from 'node:net';

/**
 * A port nothing listens on at this instant, on 127.0.0.1: for a peer that must be told its port
 * (emulators with a config file) or for an address that refuses connections (a source that is down).
 * Test support only; the kit's runtime entry never loads it.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
