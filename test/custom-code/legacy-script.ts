/**
 * The custom-code script of the plugin README, which calls a legacy user service over HTTP; the
 * directory peer (test/fixtures/directory-peer.ts) speaks that service's API. Kept in one place so the
 * tests run the example the README shows.
 */
export const LEGACY_SCRIPT = String.raw`
// A legacy user service: POST /authenticate, GET /users/:email, GET /users?cursor=
async function call(path, init = {}) {
  const response = await fetch(env.USERS_URL + path, {
    ...init,
    headers: { authorization: 'Bearer ' + env.API_KEY, 'content-type': 'application/json', accept: 'application/json' },
  });
  // Throwing means "cannot tell": Tributary answers 503, never "wrong password".
  if (response.status >= 500 || response.status === 429) throw new Error('user service unavailable: HTTP ' + response.status);
  let body;
  try {
    body = await response.json();
  } catch {
    throw new Error('user service answered something other than JSON (HTTP ' + response.status + ')');
  }
  return { status: response.status, body };
}

function identity(user) {
  return {
    externalId: user.id,
    email: user.email,
    emailVerified: user.emailVerified,
    profile: user.name ? { name: user.name } : {},
    tenantId: user.attributes?.orgId ?? null,
    roles: user.roles,
    disabled: user.disabled,
  };
}

export async function authenticate({ email, password }) {
  const { status, body } = await call('/authenticate', { method: 'POST', body: JSON.stringify({ email, password }) });
  if (status === 401 && body.error === 'invalid_credentials') return null;
  if (status === 403 && body.error === 'user_disabled') return { rejected: 'the account is disabled in the legacy service' };
  if (status !== 200 || !body.user) throw new Error('unexpected answer to authenticate: HTTP ' + status);
  return identity(body.user);
}

export async function getUser(email) {
  const { status, body } = await call('/users/' + encodeURIComponent(email));
  if (status === 404) return null;
  if (status !== 200) throw new Error('unexpected answer to getUser: HTTP ' + status);
  return identity(body.user);
}

export async function listUsers(cursor) {
  const { status, body } = await call('/users?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
  if (status !== 200) throw new Error('unexpected answer to listUsers: HTTP ' + status);
  return { users: body.users.map(identity), cursor: body.nextCursor };
}
`;

/** A custom-code pool config reaching `peer` (its host:port allowed, its URL and key as secrets). */
export function legacyConfig(peer: { url: string; apiKey: string }, code = LEGACY_SCRIPT): Record<string, unknown> {
  return { code, allowedHosts: [new URL(peer.url).host], env: { USERS_URL: peer.url, API_KEY: peer.apiKey } };
}
