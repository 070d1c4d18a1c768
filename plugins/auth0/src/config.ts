import { destination, secret } from '@tributary/plugin-kit';
import { z } from 'zod';

export const auth0Config = z.object({
  /** Tenant domain without scheme, e.g. `acme.eu.auth0.com` or a custom domain (a port is allowed). */
  domain: destination(
    z
      .string({ error: 'domain is required (e.g. acme.eu.auth0.com)' })
      .regex(/^[a-z0-9.-]+(:\d+)?$/i, 'domain must be a host name such as acme.eu.auth0.com, without https://'),
  ),
  clientId: z.string({ error: 'clientId is required' }).min(1, 'clientId must not be empty'),
  /** Sent as client_secret_post, for both the password grant and the Management API token. */
  clientSecret: secret(z.string({ error: 'clientSecret is required' }).min(1, 'clientSecret must not be empty')),
  /** Database connection (realm); with it, sign-in uses the password-realm grant. */
  connection: z.string().min(1, 'connection must not be empty').optional(),
  /** API audience for the password grant; Auth0 falls back to the tenant's default audience. */
  audience: z.string().min(1, 'audience must not be empty').optional(),
  /** Key in the user's app_metadata that holds the tenant id. */
  tenantIdFieldName: z.string().min(1, 'tenantIdFieldName must not be empty').optional(),
});

export type Auth0Config = z.output<typeof auth0Config>;
