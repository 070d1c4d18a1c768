import type { Server, ServerResponse } from 'node:http';

/**
 * Prepares `server` for a graceful stop and returns the stop: it stops accepting connections,
 * lets requests in flight finish (each answered with `Connection: close`, so no client sends another
 * request down a connection about to go) and cuts whatever is still running after `graceMs`.
 * Connections idle at that instant are closed at once (Node's server.close); a kept-alive client
 * that was just sending on one sees it closed, as with any HTTP/1.1 server, and reconnects elsewhere.
 */
export function drainable(server: Server): (graceMs: number) => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  return async (graceMs) => {
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    try {
      await closed;
    } finally {
      clearTimeout(cut);
    }
  };
}
