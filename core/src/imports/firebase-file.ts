import { formatFirebaseScryptHash } from '../passwords/firebase-scrypt.js';
import { empty } from './auth0-file.js';
import { isObject, tenantOf, text, type ImportRecord, type ReadOptions } from './import-record.js';
import { jsonArrayElements } from './json-stream.js';

/**
 * `firebase auth:export --format=json`: `{ "users": [{ localId, email, emailVerified, passwordHash, salt,
 * displayName, photoUrl, phoneNumber, customAttributes (a JSON string), disabled }] }`. Hashes are the
 * project's modified scrypt; its parameters (console: Authentication → Users → ⋮ → Password hash
 * parameters) come as options and are stored in each hash, as the verifier reads them.
 */
export async function* readFirebaseFile(file: string, options: ReadOptions): AsyncGenerator<ImportRecord> {
  for await (const { index, value, invalid } of jsonArrayElements(file, 'users')) {
    const at = index + 1;
    if (!isObject(value)) {
      yield { ...empty(at), problem: invalid ? `not valid JSON (${invalid})` : 'not a JSON object' };
      continue;
    }
    const email = text(value.email);
    const claims = parseClaims(value.customAttributes);
    const tenant = options.tenantField && claims ? claims[options.tenantField] : undefined;
    if (options.tenantField && claims) delete claims[options.tenantField];
    const profile: Record<string, unknown> = {};
    if (text(value.displayName)) profile.name = value.displayName;
    if (text(value.photoUrl)) profile.picture = value.photoUrl;
    if (text(value.phoneNumber)) profile.phone_number = value.phoneNumber;
    if (claims && Object.keys(claims).length > 0) profile.claims = claims;
    profile.email_verified = value.emailVerified === true;
    const record: ImportRecord = {
      at,
      email: email ?? '',
      externalId: text(value.localId) ?? '',
      passwordHash: null,
      profile,
      metadata: {},
      disabled: value.disabled === true,
      tenantId: tenantOf(tenant),
    };
    const hash = text(value.passwordHash);
    if (!email) record.problem = 'no email';
    else if (!record.externalId) record.problem = 'no localId';
    else if (claims === null) record.problem = 'customAttributes is not a JSON object';
    else if (hash && !options.firebase) record.problem = 'a password hash, but no project hash parameters (--hash-key, --salt-separator, --rounds, --mem-cost)';
    else if (hash && options.firebase) {
      const { hashKey, saltSeparator, rounds, memCost } = options.firebase;
      record.passwordHash = formatFirebaseScryptHash({ rounds, memCost, saltSeparator, signerKey: hashKey }, text(value.salt) ?? '', hash);
    }
    yield record;
  }
}

/** Firebase writes custom claims as a JSON string; absent is none, anything but an object is null. */
function parseClaims(value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null || value === '') return {};
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
    return isObject(parsed) ? { ...parsed } : null;
  } catch {
    return null;
  }
}
