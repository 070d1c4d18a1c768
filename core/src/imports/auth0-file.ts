import { auth0CustomHash } from './auth0-hash.js';
import { isObject, tenantOf, text, type ImportRecord, type ReadOptions } from './import-record.js';
import { jsonArrayElements } from './json-stream.js';

/** The root attributes a sign-in through the Auth0 pool stores as the profile (plugins/auth0 map-identity). */
const PROFILE_FIELDS = ['name', 'given_name', 'family_name', 'nickname', 'picture'] as const;

/**
 * Auth0's bulk-import file: a JSON array of users (`email`, `email_verified`, `user_id`, the profile
 * fields, `app_metadata`, `user_metadata`, `blocked`, and `password_hash` (bcrypt) or `custom_password_hash`).
 * A user without `user_id` is known by their email.
 */
export async function* readAuth0File(file: string, options: ReadOptions): AsyncGenerator<ImportRecord> {
  for await (const { index, value, invalid } of jsonArrayElements(file)) {
    const at = index + 1;
    if (!isObject(value)) {
      yield { ...empty(at), problem: invalid ? `not valid JSON (${invalid})` : 'not a JSON object' };
      continue;
    }
    const email = text(value.email);
    const profile: Record<string, unknown> = {};
    for (const field of PROFILE_FIELDS) if (value[field] !== undefined) profile[field] = value[field];
    if (isObject(value.user_metadata) && Object.keys(value.user_metadata).length > 0) profile.user_metadata = value.user_metadata;
    profile.email_verified = value.email_verified === true;
    const metadata = isObject(value.app_metadata) ? value.app_metadata : {};
    const record: ImportRecord = {
      at,
      email: email ?? '',
      externalId: text(value.user_id) ?? email ?? '',
      passwordHash: null,
      profile,
      metadata,
      disabled: value.blocked === true,
      tenantId: options.tenantField ? tenantOf(metadata[options.tenantField]) : null,
    };
    if (!email) record.problem = 'no email';
    else if (value.custom_password_hash !== undefined) {
      const custom = auth0CustomHash(value.custom_password_hash);
      if ('hash' in custom) record.passwordHash = custom.hash;
      else record.problem = custom.problem;
    } else if (value.password_hash !== undefined) {
      record.passwordHash = text(value.password_hash);
      if (!record.passwordHash) record.problem = 'password_hash is not a string';
    }
    yield record;
  }
}

export const empty = (at: number): ImportRecord => ({
  at,
  email: '',
  externalId: '',
  passwordHash: null,
  profile: {},
  metadata: {},
  disabled: false,
  tenantId: null,
});
