import type { UserRecord } from 'firebase-admin/auth';
import { formatFirebaseScryptHash, type Identity } from '@tributary/plugin-kit';
import type { PasswordHashConfig } from './config.js';

/**
 * Profile keys use OIDC claim names, like the other sources; the rest of the custom claims stay in `claims`.
 * `hashConfig` only for listUsers: the user's password hash, in the form core verifies.
 */
export function mapIdentity(user: UserRecord, tenantIdFieldName: string | undefined, hashConfig?: PasswordHashConfig): Identity {
  const claims: Record<string, unknown> = { ...(user.customClaims ?? {}) };
  const tenant = tenantIdFieldName ? claims[tenantIdFieldName] : undefined;
  if (tenantIdFieldName) delete claims[tenantIdFieldName];
  const profile: Record<string, unknown> = {};
  if (user.displayName) profile.name = user.displayName;
  if (user.photoURL) profile.picture = user.photoURL;
  if (user.phoneNumber) profile.phone_number = user.phoneNumber;
  if (Object.keys(claims).length > 0) profile.claims = claims;
  const identity: Identity = {
    externalId: user.uid,
    email: user.email ?? '',
    emailVerified: user.emailVerified,
    profile,
    disabled: user.disabled,
  };
  if (tenantIdFieldName) identity.tenantId = typeof tenant === 'string' && tenant ? tenant : tenant == null ? null : String(tenant);
  const passwordHash = hashConfig ? firebaseHashOf(user, hashConfig) : undefined;
  if (passwordHash) identity.passwordHash = passwordHash;
  return identity;
}

/** The API may answer bytes in the web-safe alphabet (firebase-admin writes them so); core reads standard base64. */
const standardBase64 = (text: string) => text.replaceAll('-', '+').replaceAll('_', '/');

/**
 * Firebase sends passwordHash and salt only to a service account allowed to read them (otherwise the hash
 * is redacted and firebase-admin leaves it out); a user without a password (federated only) has neither.
 * Then there is no hash, and the user keeps signing in through Firebase.
 */
function firebaseHashOf(user: UserRecord, config: PasswordHashConfig): string | undefined {
  if (!user.passwordHash || !user.passwordSalt) return undefined;
  const params = {
    rounds: config.rounds,
    memCost: config.memCost,
    saltSeparator: standardBase64(config.base64SaltSeparator),
    signerKey: standardBase64(config.base64SignerKey),
  };
  return formatFirebaseScryptHash(params, standardBase64(user.passwordSalt), standardBase64(user.passwordHash));
}

/** The writable UserRecord fields for a profile; `claims` is handled separately as custom claims. */
export function profileToUpdate(profile: Record<string, unknown>): { displayName?: string | null; photoURL?: string | null; phoneNumber?: string | null } {
  const update: { displayName?: string | null; photoURL?: string | null; phoneNumber?: string | null } = {};
  const text = (value: unknown) => (value === null ? null : String(value));
  if ('name' in profile) update.displayName = text(profile.name);
  if ('picture' in profile) update.photoURL = text(profile.picture);
  if ('phone_number' in profile) update.phoneNumber = text(profile.phone_number);
  return update;
}
