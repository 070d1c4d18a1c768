import { z } from 'zod';
import { AppError } from '../errors/index.js';
import { MailTemplateOverrides } from '../mail/templates.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH_FLOOR } from '../passwords/policy.js';
import type { UserPool } from './pool.entity.js';
import { compilePayloadSchema } from './payload-schema.js';

/**
 * A NATIVE pool's config (DESIGN §10): who may register, what they send, the password policy, whether
 * an account needs activating, one-time-code sign-in, and the pool's own mail templates. Validated here,
 * at the admin API's boundary; stored with its defaults filled in, so an admin reads what is in force.
 */
export const NativePoolConfigSchema = z.strictObject({
  /** `POST /auth/register` into this pool; off: only admins create its users. */
  publicRegistration: z.boolean().default(false).meta({ title: 'Public registration (POST /auth/register)' }),
  /** JSON Schema (2020-12) of `{ profile, metadata }`: registration payloads and admin edits (pools/payload-schema.ts). */
  payloadSchema: z
    .record(z.string(), z.unknown())
    .nullable()
    .default(null)
    .meta({ title: 'Payload schema', description: 'JSON Schema (2020-12) of { profile, metadata } in registrations and admin edits; empty: none.' }),
  passwordPolicy: z
    .strictObject({
      minLength: z.number().int().min(PASSWORD_MIN_LENGTH_FLOOR).max(PASSWORD_MAX_LENGTH).default(PASSWORD_MIN_LENGTH_FLOOR).meta({ title: 'Minimum length' }),
    })
    .default({ minLength: PASSWORD_MIN_LENGTH_FLOOR })
    .meta({ title: 'Password policy' }),
  /** A registered user is PENDING_ACTIVATION until they enter the mailed code; off: ACTIVE at once. */
  activationRequired: z.boolean().default(true).meta({ title: 'Activation required (a mailed code)' }),
  /** `POST /auth/otp/start|verify` for this pool's users. */
  otpSignIn: z.boolean().default(false).meta({ title: 'One-time-code sign-in' }),
  mailTemplates: MailTemplateOverrides.optional().meta({
    title: 'Mail templates',
    description: 'Per mail (activation, registration-attempt, password-reset, otp-sign-in): { subject, text, html } overriding the defaults.',
  }),
});

export type NativePoolConfig = z.output<typeof NativePoolConfigSchema>;

const fieldOf = (path: readonly PropertyKey[]): string => ['input', 'config', ...path.map(String)].join('.');

/** The admin's config for a NATIVE pool, defaults filled in; BAD_USER_INPUT naming the field (`input.config.…`) otherwise. */
export function parseNativeConfig(input: Record<string, unknown>): NativePoolConfig {
  const parsed = NativePoolConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const field = fieldOf(path);
    throw new AppError('BAD_USER_INPUT', `${field}: ${issue.code === 'unrecognized_keys' ? 'is not a native pool setting' : issue.message}`, field);
  }
  const { payloadSchema } = parsed.data;
  if (payloadSchema) {
    try {
      compilePayloadSchema(payloadSchema);
    } catch (error) {
      const field = 'input.config.payloadSchema';
      throw new AppError('BAD_USER_INPUT', `${field}: is not a valid JSON Schema: ${(error as Error).message}`, field);
    }
  }
  return parsed.data;
}

/** The stored config of a NATIVE pool (validated when it was set; defaults for anything older). */
export function nativeConfigOf(pool: Pick<UserPool, 'type' | 'config'>): NativePoolConfig {
  if (pool.type !== 'NATIVE') throw new Error('not a native pool');
  const parsed = NativePoolConfigSchema.safeParse(pool.config);
  return parsed.success ? parsed.data : NativePoolConfigSchema.parse({});
}
