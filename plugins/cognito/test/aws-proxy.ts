import { createServer, type Server } from 'node:http';

/**
 * A thin proxy in front of cognito-local that behaves like AWS where cognito-local does not:
 * ListUsers pages by Limit/PaginationToken, and a `fault` can be switched on to answer like a failing AWS.
 */
export interface AwsProxy {
  endpoint: string;
  /** Limits seen on ListUsers calls, to check what the plugin asks for. */
  listLimits: number[];
  /** SECRET_HASH values seen on InitiateAuth calls (cognito-local does not check them). */
  secretHashes: string[];
  fault: null | { status: number; type: string; message: string; headers?: Record<string, string> };
  close(): Promise<void>;
}

export async function startAwsProxy(upstream: string): Promise<AwsProxy> {
  const proxy: AwsProxy = { endpoint: '', listLimits: [], secretHashes: [], fault: null, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (proxy.fault) {
      const { status, type, message, headers } = proxy.fault;
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type, ...headers });
      res.end(JSON.stringify({ __type: type, message }));
      return;
    }
    let body = Buffer.concat(chunks).toString('utf8');
    if (target.endsWith('.InitiateAuth')) {
      const hash = (JSON.parse(body) as { AuthParameters?: { SECRET_HASH?: string } }).AuthParameters?.SECRET_HASH;
      if (hash) proxy.secretHashes.push(hash);
    }
    const paging = target.endsWith('.ListUsers') ? (JSON.parse(body) as { Limit?: number; PaginationToken?: string }) : null;
    if (paging) {
      proxy.listLimits.push(paging.Limit ?? 0);
      body = JSON.stringify({ ...paging, Limit: undefined, PaginationToken: undefined });
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length'].includes(k))) as Record<string, string>;
    const answer = await fetch(`${upstream}${req.url}`, { method: req.method, headers, body });
    let text = await answer.text();
    if (paging && answer.ok) {
      const all = JSON.parse(text) as { Users: unknown[] };
      const start = Number(paging.PaginationToken ?? 0);
      const limit = paging.Limit ?? 60;
      const next = start + limit < all.Users.length ? String(start + limit) : undefined;
      text = JSON.stringify({ Users: all.Users.slice(start, start + limit), PaginationToken: next });
    }
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
