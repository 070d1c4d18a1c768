import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

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

export interface AwsProxyOptions {
  /**
   * Check every signed request's AWS Signature V4 against these credentials, as AWS does (cognito-local
   * accepts any): an unknown key id is refused with UnrecognizedClientException, a wrong secret with
   * InvalidSignatureException. Unsigned requests pass only for InitiateAuth, which AWS serves unsigned.
   */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** null when the request is signed with `credentials`; otherwise the AWS error it would get. */
export function checkSignature(req: IncomingMessage, body: Buffer, credentials: NonNullable<AwsProxyOptions['credentials']>): AwsProxy['fault'] {
  const refuse = (type: string, message: string) => ({ status: 400, type, message });
  const authorization = String(req.headers.authorization ?? '');
  if (!authorization) {
    if (String(req.headers['x-amz-target'] ?? '').endsWith('.InitiateAuth')) return null;
    return refuse('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
    authorization,
  );
  if (!match) return refuse('IncompleteSignatureException', 'The request signature is malformed.');
  const [, keyId, date, region, service, signedHeaders, signature] = match as unknown as string[];
  if (keyId !== credentials.accessKeyId) return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
  const url = new URL(req.url ?? '/', 'http://proxy');
  const query = [...url.searchParams]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
  const value = (name: string) =>
    String(req.headers[name] ?? '')
      .trim()
      .replace(/\s+/g, ' ');
  const headers = signedHeaders!
    .split(';')
    .map((name) => `${name}:${value(name)}\n`)
    .join('');
  const payload = String(req.headers['x-amz-content-sha256'] ?? sha256(body));
  const canonical = [req.method, url.pathname, query, headers, signedHeaders, payload].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', String(req.headers['x-amz-date']), scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date!), region!), service!), 'aws4_request');
  const expected = Buffer.from(createHmac('sha256', key).update(toSign).digest('hex'));
  if (expected.length === signature!.length && timingSafeEqual(expected, Buffer.from(signature!))) return null;
  return refuse(
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
  );
}

export async function startAwsProxy(upstream: string, options: AwsProxyOptions = {}): Promise<AwsProxy> {
  const proxy: AwsProxy = { endpoint: '', listLimits: [], secretHashes: [], fault: null, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const fault = proxy.fault ?? (options.credentials ? checkSignature(req, Buffer.concat(chunks), options.credentials) : null);
    if (fault) {
      const { status, type, message, headers } = fault;
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
      // AWS refuses a Limit above 60 and a token it did not hand out, rather than quietly serving one page.
      const limitBad = paging.Limit !== undefined && (!Number.isInteger(paging.Limit) || paging.Limit < 0 || paging.Limit > 60);
      if (limitBad || (paging.PaginationToken !== undefined && !/^\d+$/.test(paging.PaginationToken))) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'InvalidParameterException' });
        res.end(
          JSON.stringify({
            __type: 'InvalidParameterException',
            message: limitBad
              ? `1 validation error detected: Value '${String(paging.Limit)}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60`
              : 'Invalid pagination token.',
          }),
        );
        return;
      }
      body = JSON.stringify({ ...paging, Limit: undefined, PaginationToken: undefined });
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length'].includes(k))) as Record<string, string>;
    const answer = await fetch(`${upstream}${req.url}`, { method: req.method, headers, body }).catch(() => null);
    // Upstream gone (cognito-local stopped): drop the connection, as an unreachable AWS endpoint would.
    if (!answer) return void res.destroy();
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
  proxy.close = () =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
