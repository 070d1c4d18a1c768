import type { AttributeType, UserType } from '@aws-sdk/client-cognito-identity-provider';
import type { Identity } from '@tributary/plugin-kit';

/** OIDC standard claims Cognito stores as attributes; they become the profile as they are. */
const STANDARD = new Set([
  'name',
  'given_name',
  'family_name',
  'middle_name',
  'nickname',
  'preferred_username',
  'profile',
  'picture',
  'website',
  'gender',
  'birthdate',
  'zoneinfo',
  'locale',
  'phone_number',
  'phone_number_verified',
  'address',
  'updated_at',
]);

export interface CognitoUserLike {
  Username?: string | undefined;
  Attributes?: AttributeType[] | undefined;
  Enabled?: boolean | undefined;
  UserStatus?: string | undefined;
}

export function attributesOf(list: AttributeType[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).filter((a) => a.Name).map((a) => [a.Name as string, a.Value ?? '']));
}

export function mapIdentity(user: CognitoUserLike | UserType, tenantIdFieldName: string | undefined): Identity {
  const attrs = attributesOf(user.Attributes);
  const profile: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attrs)) {
    // custom:* attributes are kept under their Cognito name so write-back can round-trip them.
    if (STANDARD.has(name) || name.startsWith('custom:')) profile[name] = value;
  }
  const identity: Identity = {
    // sub is stable across username changes; Username is the fallback for odd pools that hide it.
    externalId: attrs.sub ?? user.Username ?? '',
    email: attrs.email ?? '',
    emailVerified: attrs.email_verified === 'true',
    profile,
    disabled: user.Enabled === false,
  };
  if (tenantIdFieldName) identity.tenantId = attrs[`custom:${tenantIdFieldName}`] || null;
  return identity;
}

/** Profile entries Cognito can store: standard claims and custom:* with string-able values. */
export function profileToAttributes(profile: Record<string, unknown>): AttributeType[] {
  return Object.entries(profile)
    .filter(([name, value]) => (STANDARD.has(name) || name.startsWith('custom:')) && value !== undefined && value !== null)
    .map(([Name, value]) => ({ Name, Value: typeof value === 'string' ? value : JSON.stringify(value) }));
}

/**
 * `cognito:groups` of the ID token InitiateAuth returned: the user's groups, which become roles. The token
 * arrives in AWS's own answer to our request over TLS, as trusted as that answer; its signature is not
 * what vouches for it here. Undefined when there is no readable token, so the caller asks the API instead.
 */
export function groupsFromIdToken(idToken: string | undefined): string[] | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const groups = claims['cognito:groups'] ?? [];
    return Array.isArray(groups) ? groups.filter((group): group is string => typeof group === 'string') : undefined;
  } catch {
    return undefined;
  }
}
