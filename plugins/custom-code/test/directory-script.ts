/**
 * A custom-code source with its user directory inside the script: the plugin's peer is the sandbox,
 * so the package tests need no network service. (The README's script, which calls an HTTP service,
 * runs against one in test/custom-code.)
 */
export const DIRECTORY_KEY = 'directory-key-1';
export const SEED = { email: 'seed@directory.test', password: 'seed-pass-1' };

export const DIRECTORY_SCRIPT = String.raw`
const USERS = [
  { id: 'u-1', email: 'seed@directory.test', password: 'seed-pass-1', name: 'Seed', orgId: 'acme', roles: ['staff'] },
  { id: 'u-2', email: 'disabled@directory.test', password: 'seed-pass-1', disabled: true },
  ...Array.from({ length: 150 }, (_, i) => ({ id: 'f-' + i, email: 'filler-' + i + '@directory.test', password: 'filler-pass-1' })),
];

// As a real service would, the directory refuses a wrong key: the message quotes it, the plugin must mask it.
function requireKey() {
  if (env.DIRECTORY_KEY !== 'directory-key-1') throw new Error('the directory refused key ' + env.DIRECTORY_KEY);
}

function identity(user) {
  return {
    externalId: user.id,
    email: user.email,
    emailVerified: true,
    profile: user.name ? { name: user.name } : {},
    tenantId: user.orgId ?? null,
    roles: user.roles ?? [],
    disabled: Boolean(user.disabled),
  };
}

export async function authenticate({ email, password }) {
  requireKey();
  const user = USERS.find((candidate) => candidate.email === email);
  if (!user || user.password !== password) return null;
  if (user.disabled) return { rejected: 'the account is disabled in the directory' };
  return identity(user);
}

export async function getUser(email) {
  requireKey();
  const user = USERS.find((candidate) => candidate.email === email);
  return user ? identity(user) : null;
}

export async function listUsers(cursor) {
  requireKey();
  const start = Number(cursor ?? 0);
  const next = start + 100 < USERS.length ? String(start + 100) : null;
  return { users: USERS.slice(start, start + 100).map(identity), cursor: next };
}
`;

export function directoryConfig(code = DIRECTORY_SCRIPT, key = DIRECTORY_KEY): Record<string, unknown> {
  return { code, env: { DIRECTORY_KEY: key } };
}
