import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { TestServer } from './server.js';
import { ok } from './server.js';

export interface SignInResponse {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

/** `from`: the client address, for a server that trusts loopback as its proxy (TRIBUTARY_TRUST_PROXY=loopback). */
export async function signIn(server: TestServer, email: string, password: string, from?: string): Promise<SignInResponse> {
  const response = await fetch(`${server.url}/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(from ? { 'x-forwarded-for': from } : {}) },
    body: JSON.stringify({ email, password }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

export async function refresh(server: TestServer, refreshToken: string): Promise<SignInResponse> {
  const response = await fetch(`${server.url}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

/** Verifies an access token the way an API would (RFC 9068): against the published JWKS, issuer, audience and type `at+jwt`. */
export async function verifyToken(server: TestServer, token: string): Promise<JWTPayload & Record<string, any>> {
  const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`), { cacheMaxAge: 0 });
  const { payload } = await jwtVerify(token, jwks, { issuer: server.url, audience: 'tributary', typ: 'at+jwt' });
  return payload as JWTPayload & Record<string, any>;
}

/** Verifies an ID token the way the app would: its audience is the app's client id (TRIBUTARY_APP_CLIENT_ID). */
export async function verifyIdToken(server: TestServer, token: string): Promise<JWTPayload & Record<string, any>> {
  const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`), { cacheMaxAge: 0 });
  const { payload } = await jwtVerify(token, jwks, { issuer: server.url, audience: 'tributary-app', typ: 'JWT' });
  return payload as JWTPayload & Record<string, any>;
}

export async function createPool(server: TestServer, input: Record<string, unknown>): Promise<string> {
  return ok(await server.gql('mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }', { input })).createUserPool.id;
}

/** Pools a test file creates over the admin API, and their removal (with their users) after each test. */
export function poolsOf(server: TestServer, source: string) {
  const ids: string[] = [];
  /** Deletes one pool (and its users) now. */
  const remove = async (id: string): Promise<void> => {
    await server.sql('delete from users where pool_id = ? or migrated_from_id = ?', [id, id]);
    ok(await server.gql('mutation($id: ID!) { deleteUserPool(id: $id) }', { id }));
    ids.splice(ids.indexOf(id), 1);
  };
  return {
    async create(config: Record<string, unknown>, settings: Record<string, unknown> = {}): Promise<string> {
      const id = await createPool(server, { name: `${source} pool ${ids.length}`, type: 'EXTERNAL', source, config, settings });
      ids.push(id);
      return id;
    },
    remove,
    async cleanup(): Promise<void> {
      for (const id of [...ids]) await remove(id);
    },
  };
}

export async function auditOf(server: TestServer, email: string): Promise<{ outcome: string; details: Record<string, any> }[]> {
  return server.sql("select outcome, details from audit_events where action = 'sign-in' and target = ? order by created_at, id", [email]);
}
