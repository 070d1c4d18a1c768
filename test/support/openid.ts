import * as oidc from 'openid-client';
import { ok, type TestServer } from './server.js';

/** Tributary's OpenID Provider as an app sees it: app clients, discovery with openid-client 6, and a headless browser. */

export interface AppClient {
  id: string;
  clientId: string;
  clientSecret: string | null;
}

export async function createAppClient(server: TestServer, input: Record<string, unknown>): Promise<AppClient> {
  return ok(
    await server.gql('mutation($input: CreateAppClientInput!) { createAppClient(input: $input) { id clientId clientSecret } }', {
      input: { postLogoutRedirectUris: [], public: false, ...input },
    }),
  ).createAppClient;
}

/** openid-client's discovery of the server as `client` (plain http is allowed here only: tests on 127.0.0.1). */
export function discover(server: TestServer, client: AppClient): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(server.url), client.clientId, client.clientSecret ?? undefined, client.clientSecret ? undefined : oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface Authorization {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/** An authorization request as a relying party builds it: PKCE S256, state and nonce. */
export async function authorization(config: oidc.Configuration, redirectUri: string, extra: Record<string, string> = {}): Promise<Authorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

/** A browser without JavaScript: plain fetch, redirects followed by hand, cookies kept per host and port. */
export class CookieBrowser {
  readonly jar = new Map<string, Map<string, string>>();
  /** The last page's HTML and address. */
  html = '';
  status = 0;
  url = new URL('about:blank');

  private cookies(url: URL): string {
    return [...(this.jar.get(url.host) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keep(url: URL, response: Response): void {
    const jar = this.jar.get(url.host) ?? new Map<string, string>();
    this.jar.set(url.host, jar);
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index);
      const value = pair!.slice(index + 1);
      if (!value || /expires=Thu, 01 Jan 1970/i.test(cookie)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  /** Loads `start` and follows redirects until a page is shown, or the browser is sent to `stopAt` (returned then, not loaded). */
  async go(start: string | URL, stopAt?: string, init: RequestInit = {}): Promise<URL | null> {
    let url = new URL(start);
    let request: RequestInit = init;
    for (let hop = 0; hop < 20; hop++) {
      if (stopAt && url.href.startsWith(stopAt)) return url;
      const response = await fetch(url, { ...request, redirect: 'manual', headers: { ...(request.headers as object), cookie: this.cookies(url) } });
      this.keep(url, response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url);
        request = {};
        continue;
      }
      this.url = url;
      this.status = response.status;
      this.html = await response.text();
      return null;
    }
    throw new Error('too many redirects');
  }

  /** Submits the page's form whose action contains `actionPart` with its hidden fields and `fields`, the way a browser would. */
  async submit(actionPart: string, fields: Record<string, string>, stopAt?: string): Promise<URL | null> {
    const forms = [...this.html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)];
    const found = forms.find(([, attributes]) => (/action="([^"]*)"/.exec(attributes!)?.[1] ?? '').includes(actionPart));
    if (!found) throw new Error(`no form for ${actionPart} at ${this.url} (${this.status}): ${this.html.slice(0, 400)}`);
    const action = new URL(decode(/action="([^"]*)"/.exec(found[1]!)![1]!), this.url);
    const method = (/method="([^"]*)"/.exec(found[1]!)?.[1] ?? 'get').toLowerCase();
    const body = new URLSearchParams();
    for (const [, name, value] of found[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) body.set(name!, decode(value!));
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    if (method === 'get') {
      action.search = body.toString();
      return this.go(action, stopAt);
    }
    return this.go(action, stopAt, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  }
}

const decode = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
