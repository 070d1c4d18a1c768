import type { UserRecord } from 'firebase-admin/auth';
import type { Identity } from '@tributary/plugin-kit';

/** Profile keys use OIDC claim names, like the other sources; the rest of the custom claims stay in `claims`. */
export function mapIdentity(user: UserRecord, tenantIdFieldName: string | undefined): Identity {
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
  return identity;
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
