import { destination, FIREBASE_SCRYPT_BOUNDS, secret } from '@tributary/plugin-kit';
import { z } from 'zod';

/** The fields of a Google service-account key file that firebase-admin needs. */
const serviceAccountShape = z.looseObject({
  project_id: z.string().min(1),
  client_email: z.string().min(1),
  private_key: z.string().includes('PRIVATE KEY'),
});
export type ServiceAccount = z.output<typeof serviceAccountShape>;

/** Accepts the key file as an object or as its JSON text; undefined when it is neither. */
export function parseServiceAccount(raw: unknown): ServiceAccount | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  const result = serviceAccountShape.safeParse(value);
  return result.success ? result.data : undefined;
}

/** Base64 as the console shows it; the web-safe alphabet is accepted too. Messages never quote the value. */
const base64 = (name: string, minLength: number) =>
  z
    .string({ error: `${name} is required` })
    .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, `${name} must be base64, as the console shows it`)
    .refine((value) => value.replace(/=+$/, '').length >= minLength, `${name} must not be empty`);

const bounded = (name: string, { min, max }: { min: number; max: number }) =>
  z
    .number({ error: `${name} is required` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be ${min} to ${max}`)
    .max(max, `${name} must be ${min} to ${max}`);

/**
 * The project's password hash parameters (console: Authentication → Users → ⋮ → Password hash
 * parameters), keys named as the console writes them in camel case. With them, listUsers hands each
 * user's hash to core, and an import makes those users local.
 */
export const passwordHashConfigShape = z.object({
  algorithm: z.literal('SCRYPT', { error: 'algorithm must be SCRYPT (the only one Firebase uses for its own users)' }),
  base64SignerKey: base64('base64SignerKey', 1),
  base64SaltSeparator: base64('base64SaltSeparator', 0),
  rounds: bounded('rounds', FIREBASE_SCRYPT_BOUNDS.rounds),
  memCost: bounded('memCost', FIREBASE_SCRYPT_BOUNDS.memCost),
});
export type PasswordHashConfig = z.output<typeof passwordHashConfigShape>;

export const firebaseConfig = z
  .object({
    /** Web API key from Project settings → General; identifies the project, not a secret. */
    apiKey: z.string({ error: 'apiKey is required (Project settings → General → Web API Key)' }).min(1, 'apiKey must not be empty'),
    /** The JSON key from Project settings → Service accounts → Generate new private key. */
    serviceAccount: secret(z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'serviceAccount must be the key file JSON' })),
    /** Custom claim that holds the user's tenant id. */
    tenantIdFieldName: z.string().min(1, 'tenantIdFieldName must not be empty').optional(),
    /** Defaults to the service account's project_id. */
    projectId: destination(z.string().min(1, 'projectId must not be empty')).optional(),
    /** host:port of a Firebase Auth emulator, for local development and tests only. */
    authEmulatorHost: destination(z.string().regex(/^[\w.-]+:\d+$/, 'authEmulatorHost must be host:port, e.g. 127.0.0.1:9099')).optional(),
    /**
     * Secret as a whole: the kit marks top-level fields only, and the signer key is what makes the
     * project's hashes checkable offline (the other parameters are hidden with it).
     */
    passwordHashConfig: secret(passwordHashConfigShape).optional(),
  })
  .superRefine((config, ctx) => {
    // The message never quotes the value: it is a private key.
    if (!parseServiceAccount(config.serviceAccount)) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceAccount'],
        message: 'serviceAccount must be the service-account key JSON (project_id, client_email, private_key)',
      });
    }
  });

export type FirebaseConfig = z.output<typeof firebaseConfig>;
