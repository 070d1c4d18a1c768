import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP door in front of a peer, on a port that stays the same: `close()` is the peer going away
 * (connections refused, open ones cut), `open()` its return at the same address. The pool is
 * configured with the gate's address, so the source is really unreachable in between.
 */
export interface Gate {
  host: string;
  port: number;
  close(): Promise<void>;
  open(): Promise<void>;
}

export async function startGate(upstreamHost: string, upstreamPort: number): Promise<Gate> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = async (): Promise<void> => {
    const next = createServer((socket) => {
      const upstream = connect(upstreamPort, upstreamHost);
      for (const side of [socket, upstream]) {
        sockets.add(side);
        side.on('close', () => sockets.delete(side));
        side.on('error', () => undefined);
      }
      socket.pipe(upstream).pipe(socket);
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as { port: number }).port;
    server = next;
  };
  await listen();
  return {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    async close() {
      const closing = server;
      server = null;
      if (!closing) return;
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    async open() {
      if (!server) await listen();
    },
  };
}
