import { expect } from 'vitest';
import { ok, type TestServer } from '../support/server.js';
import { signIn, verifyToken } from '../support/sign-in.js';

export { poolsOf } from '../support/sign-in.js';

/** What the end-to-end source tests read back about a user over the admin API. */
const USER_FIELDS = 'id email externalId profile tenant { id } roles { key } pool { id } migratedFrom { id }';

export interface UserRead {
  id: string;
  email: string;
  externalId: string | null;
  profile: Record<string, any>;
  tenant: { id: string } | null;
  roles: { key: string }[];
  pool: { id: string } | null;
  migratedFrom: { id: string } | null;
}

export async function userByEmail(server: TestServer, email: string): Promise<UserRead> {
  return ok(await server.gql(`query($email: String!) { userByEmail(email: $email) { ${USER_FIELDS} } }`, { email })).userByEmail;
}

export async function userById(server: TestServer, id: string): Promise<UserRead> {
  return ok(await server.gql(`query($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`, { id })).user;
}

/** Signs in over HTTP, requires a 200, and returns the verified access-token claims. */
export async function claimsOf(server: TestServer, email: string, password: string): Promise<Record<string, any>> {
  const response = await signIn(server, email, password);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return verifyToken(server, response.body.access_token);
}

/** Signs in over HTTP and expects the given failure status and error code. */
export async function expectSignInError(server: TestServer, email: string, password: string, status: number, error: string): Promise<void> {
  const response = await signIn(server, email, password);
  expect(response.status).toBe(status);
  expect(response.body.error).toBe(error);
}

export async function testConnection(server: TestServer, id: string): Promise<{ ok: boolean; message: string }> {
  return ok(await server.gql('mutation($id: ID!) { testUserPoolConnection(id: $id) { ok message } }', { id })).testUserPoolConnection;
}

/** The pool's config as the userPools query shows it to admins. */
export async function listedConfig(server: TestServer, id: string): Promise<Record<string, unknown>> {
  const { userPools } = ok(await server.gql('{ userPools { id config } }'));
  return userPools.find((pool: { id: string }) => pool.id === id).config;
}

export async function sourceInfo(
  server: TestServer,
  key: string,
): Promise<{ key: string; displayName: string; type: string; secretFields: string[]; configSchema: any }> {
  const { poolSources } = ok(await server.gql('{ poolSources { key displayName type configSchema secretFields } }'));
  return poolSources.find((source: { key: string }) => source.key === key);
}

export async function reorderPools(server: TestServer, ids: string[]): Promise<void> {
  ok(await server.gql('mutation($ids: [ID!]!) { reorderUserPools(ids: $ids) { id } }', { ids }));
}
