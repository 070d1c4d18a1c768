import { SourceError, type Identity } from '@tributary/plugin-kit';
import type { OidcConfig } from './config.js';

type Claims = Record<string, unknown>;

/** ID token claims (and userinfo, when merged) → the identity core stores. */
export function mapIdentity(claims: Claims, config: OidcConfig): Identity {
  const email = claims.email;
  if (typeof claims.sub !== 'string' || !claims.sub) throw new SourceError('BAD_RESPONSE', 'the identity provider sent no subject (sub)');
  if (typeof email !== 'string' || !email.includes('@')) {
    throw new SourceError('REJECTED', 'the identity provider sent no email: request the "email" scope or map an email claim');
  }
  const profile: Record<string, unknown> = {};
  for (const [claim, field] of Object.entries(config.attributeMapping)) if (claims[claim] !== undefined) profile[field] = claims[claim];
  const tenant = config.tenantIdFieldName ? claims[config.tenantIdFieldName] : undefined;
  const roles = config.rolesClaim ? claims[config.rolesClaim] : undefined;
  return {
    externalId: claims.sub,
    email,
    emailVerified: claims.email_verified === true,
    profile,
    ...(config.tenantIdFieldName ? { tenantId: typeof tenant === 'string' || typeof tenant === 'number' ? String(tenant) : null } : {}),
    ...(Array.isArray(roles) ? { roles: roles.filter((role): role is string => typeof role === 'string') } : {}),
  };
}
