import { destination, secret } from '@tributary/plugin-kit';
import { z } from 'zod';

export const cognitoConfig = z.object({
  region: destination(z.string({ error: 'region is required (e.g. us-east-1)' }).regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region must look like us-east-1')),
  userPoolId: destination(z.string({ error: 'userPoolId is required' }).regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'userPoolId must look like us-east-1_AbCdEf123')),
  clientId: z.string({ error: 'clientId is required' }).min(1, 'clientId must not be empty'),
  /** Only for app clients that have a secret: every InitiateAuth then carries SECRET_HASH. */
  clientSecret: secret().optional(),
  /** Name of the custom attribute without the `custom:` prefix. */
  tenantIdFieldName: z
    .string()
    .regex(/^[\w-]{1,20}$/, 'tenantIdFieldName is a custom attribute name without "custom:" (1-20 letters, digits, _ or -)')
    .optional(),
  accessKeyId: z.string({ error: 'accessKeyId is required' }).min(1, 'accessKeyId must not be empty'),
  secretAccessKey: secret(z.string({ error: 'secretAccessKey is required' }).min(1, 'secretAccessKey must not be empty')),
  /** For local peers such as cognito-local; production uses the region's endpoint. */
  endpoint: destination(z.url({ error: 'endpoint must be an http(s) URL' })).optional(),
});

export type CognitoConfig = z.output<typeof cognitoConfig>;
