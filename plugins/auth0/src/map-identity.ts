import type { Identity } from '@tributary/plugin-kit';

/** The Management API user fields we read; everything is optional in Auth0's own types. */
export interface Auth0User {
  user_id?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  blocked?: boolean;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
  identities?: { connection?: string; user_id?: string }[];
  created_at?: string | unknown;
}

/** Root profile attributes Auth0 lets us write for database users. */
const PROFILE_FIELDS = ['name', 'given_name', 'family_name', 'nickname', 'picture'] as const;

export function mapIdentity(user: Auth0User, tenantIdFieldName: string | undefined, roles?: string[]): Identity {
  const profile: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) if (user[field] !== undefined) profile[field] = user[field];
  if (user.user_metadata && Object.keys(user.user_metadata).length > 0) profile.user_metadata = user.user_metadata;
  const identity: Identity = {
    externalId: user.user_id ?? '',
    email: user.email ?? '',
    emailVerified: user.email_verified === true,
    profile,
    disabled: user.blocked === true,
  };
  if (tenantIdFieldName) {
    const tenant = user.app_metadata?.[tenantIdFieldName];
    identity.tenantId = tenant == null || tenant === '' ? null : String(tenant);
  }
  if (roles) identity.roles = roles;
  return identity;
}

/** A PATCH body: root profile fields, user_metadata, and the tenant in app_metadata (merged by Auth0). */
export function toPatch(profile: Record<string, unknown>, tenantIdFieldName: string | undefined, tenantId: string | null | undefined): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) if (field in profile) patch[field] = profile[field];
  if (profile.user_metadata && typeof profile.user_metadata === 'object') patch.user_metadata = profile.user_metadata;
  if (tenantIdFieldName && tenantId !== undefined) patch.app_metadata = { [tenantIdFieldName]: tenantId };
  return patch;
}
