import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export interface OidcAccount {
  email: string;
  email_verified?: boolean;
  name?: string;
  tenantId?: string;
  roles?: string[];
}

export interface OidcPeer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, OidcAccount>;
  close(): Promise<void>;
}

/**
 * A real, certified OpenID Provider (panva's oidc-provider) on 127.0.0.1, with a static client for
 * Tributary's callback, PKCE required, and a `tenant` scope carrying a custom `tenantId` claim.
 * Its dev interactions sign in any account id that exists in `accounts`.
 */
export async function startOidcPeer(callbackUrl: string): Promise<OidcPeer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const accounts = new Map<string, OidcAccount>();
  const clientId = 'tributary';
  const clientSecret = 'oidc-client-secret-for-tests';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [callbackUrl], token_endpoint_auth_method: 'client_secret_post' }],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-key' }] },
    cookies: { keys: ['oidc-peer-cookie-key'] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], tenant: ['tenantId'], roles: ['roles'] },
    // Custom claims in the ID token too, as Auth0 and most corporate IdPs send them.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    findAccount: async (_ctx, id) => {
      const account = accounts.get(id);
      return account ? { accountId: id, claims: async () => ({ sub: id, ...account }) } : undefined;
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const cookieHeader = (jar: Map<string, string>): string => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

function remember(jar: Map<string, string>, response: Response): void {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const index = pair!.indexOf('=');
    jar.set(pair!.slice(0, index), pair!.slice(index + 1));
  }
}

/**
 * A headless browser for the code flow: follows redirects by hand, keeps the IdP's cookies, fills the
 * login form with `login` (or aborts when `abort` is set) and confirms consent, until a redirect leaves
 * for `stopAt` (the app). Returns that final URL.
 */
export async function browse(start: string, options: { login: string; stopAt: string; abort?: boolean }): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(start);
  let init: RequestInit = {};
  for (let hop = 0; hop < 25; hop++) {
    if (url.toString().startsWith(options.stopAt)) return url;
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as object), cookie: cookieHeader(jar) } });
    remember(jar, response);
    init = {};
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url);
      continue;
    }
    const html = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (response.status !== 200 || !action) throw new Error(`stuck at ${url} (${response.status}): ${html.slice(0, 300)}`);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (options.abort && prompt === 'login') {
      const abort = new URL(action.replace(/&amp;/g, '&'), url);
      abort.pathname = `${abort.pathname.replace(/\/(login|submit)?$/, '')}/abort`;
      url = abort;
      continue;
    }
    const form: Record<string, string> = prompt === 'login' ? { prompt, login: options.login, password: 'any' } : { prompt: prompt ?? 'consent' };
    url = new URL(action.replace(/&amp;/g, '&'), url);
    init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() };
  }
  throw new Error('too many redirects');
}
