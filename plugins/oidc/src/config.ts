import { destination, secret } from '@tributary/plugin-kit';
import { z } from 'zod';

/** Profile fields a claim may be mapped to (claim name → profile field). */
const DEFAULT_MAPPING: Record<string, string> = {
  name: 'name',
  given_name: 'given_name',
  family_name: 'family_name',
  picture: 'picture',
  locale: 'locale',
  phone_number: 'phone_number',
};

export const oidcConfig = z.object({
  /** The issuer URL; its /.well-known/openid-configuration is read at connect time. */
  issuer: destination(z.url('must be the issuer URL, such as https://login.example.com/')),
  clientId: z.string().min(1, 'must not be empty'),
  clientSecret: secret(),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token'))
    .min(1)
    .default(['openid', 'email', 'profile']),
  /** The claim that carries the tenant id (ID token or userinfo). */
  tenantIdFieldName: z.string().min(1).optional(),
  /** The claim that carries role names, mapped to local roles by key. */
  rolesClaim: z.string().min(1).optional(),
  attributeMapping: z.record(z.string().min(1), z.string().min(1)).default(DEFAULT_MAPPING),
  /** Merge the userinfo endpoint's claims into the ID token's. */
  useUserinfo: z.boolean().default(true),
  /** Plain-http issuers, for local development and tests only. */
  allowInsecureRequests: destination(z.boolean()).default(false),
});

export type OidcConfig = z.output<typeof oidcConfig>;
