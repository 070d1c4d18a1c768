import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { generate } from 'selfsigned';
import { exportDownload, managementApi, type Reply } from './management.js';
import { FakeStore } from './store.js';
import { createSigner, type Signer } from './tokens.js';

/** A canned failure for requests whose path matches, to play outages and throttling. */
export interface Fault {
  path: RegExp;
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Answer this many matching requests, then step aside (unlimited when absent). */
  times?: number;
}

export interface FakeAuth0 {
  /** `127.0.0.1:<port>`, what the plugin takes as `domain`. */
  domain: string;
  /** PEM of the self-signed certificate, for the test process's trust store. */
  ca: string;
  store: FakeStore;
  faults: Fault[];
  close(): Promise<void>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({ status, body, headers });
const oauthError = (status: number, error: string, description: string) => json(status, { error, error_description: description });

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if (String(req.headers['content-type']).includes('json')) return JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(text));
}

async function token(store: FakeStore, signer: Signer, issuer: string, body: Record<string, unknown>): Promise<Reply> {
  const clientId = String(body.client_id ?? '');
  const client = store.clients.get(clientId);
  if (!client || client.secret !== body.client_secret) return oauthError(401, 'access_denied', 'Unauthorized');
  const grant = String(body.grant_type);
  if (!client.grants.includes(grant)) return oauthError(403, 'unauthorized_client', `Grant type '${grant}' not allowed for the client.`);
  if (grant === 'client_credentials') {
    if (body.audience !== `${issuer}api/v2/`) return oauthError(403, 'access_denied', `Service not found: ${String(body.audience)}`);
    const accessToken = randomBytes(24).toString('hex');
    store.tokens.add(accessToken);
    return json(200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 86400,
      scope: 'read:users update:users delete:users create:users read:roles',
    });
  }
  if (grant === 'password' || grant === 'http://auth0.com/oauth/grant-type/password-realm') {
    const realm = grant === 'password' ? 'Username-Password-Authentication' : String(body.realm ?? '');
    const user = store.byEmail(String(body.username ?? '')).find((u) => u.identities.some((i) => i.connection === realm));
    if (!user || user.password !== body.password) return oauthError(403, 'invalid_grant', 'Wrong email or password.');
    if (user.blocked) return oauthError(401, 'unauthorized', 'user is blocked');
    const scope = String(body.scope ?? '');
    return json(200, {
      access_token: randomBytes(24).toString('hex'),
      ...(scope.includes('openid') ? { id_token: await signer.idToken(user, issuer, clientId) } : {}),
      scope,
      expires_in: 86400,
      token_type: 'Bearer',
    });
  }
  return oauthError(403, 'unsupported_grant_type', `Unsupported grant type: ${grant}`);
}

export async function startFakeAuth0(): Promise<FakeAuth0> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const store = new FakeStore();
  const signer = await createSigner();
  const faults: Fault[] = [];
  let defaultIssuer = '';

  async function route(req: IncomingMessage): Promise<Reply> {
    // Auth0 answers as the domain it was asked on (a tenant may have custom domains): so does the fake
    // reached through another address (the write-back tests put a TCP gate in front of it).
    const issuer = req.headers.host && /^127\.0\.0\.1:\d+$/.test(req.headers.host) ? `https://${req.headers.host}/` : defaultIssuer;
    const url = new URL(req.url ?? '/', issuer);
    const fault = faults.find((f) => f.path.test(url.pathname) && (f.times === undefined || f.times > 0));
    if (fault) {
      if (fault.times !== undefined) fault.times--;
      return json(fault.status, fault.body, fault.headers);
    }
    if (req.method === 'POST' && url.pathname === '/oauth/token') return token(store, signer, issuer, await readBody(req));
    if (url.pathname === '/.well-known/jwks.json') return json(200, signer.jwks);
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        token_endpoint: `${issuer}oauth/token`,
        jwks_uri: `${issuer}.well-known/jwks.json`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'GET' && url.pathname.startsWith('/exports/')) return exportDownload(store, url);
    if (url.pathname.startsWith('/api/v2/')) {
      const auth = String(req.headers.authorization ?? '');
      if (!store.tokens.has(auth.replace(/^Bearer /, '')))
        return json(401, { statusCode: 401, error: 'Unauthorized', message: 'Invalid token', attributes: { error: 'Invalid token' } });
      const body = req.method === 'PATCH' || req.method === 'POST' ? await readBody(req) : {};
      return managementApi(store, req.method ?? 'GET', url, body);
    }
    return json(404, { statusCode: 404, error: 'Not Found', message: 'Not Found' });
  }

  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res: ServerResponse) => {
    route(req).then(
      ({ status, body, headers, raw }) => {
        if (raw) {
          res.writeHead(status, { 'content-type': 'application/xml', ...headers });
          return res.end(raw);
        }
        res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ statusCode: 500, error: 'Internal Server Error', message: String(error) }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const domain = `127.0.0.1:${(server.address() as { port: number }).port}`;
  defaultIssuer = `https://${domain}/`;
  return {
    domain,
    ca: pems.cert,
    store,
    faults,
    close: () =>
      new Promise((resolve) => {
        // Idempotent: a test may stop the peer before the suite's afterAll does.
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
