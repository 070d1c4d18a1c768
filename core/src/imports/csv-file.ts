import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { text, type ImportRecord, type ReadOptions } from './import-record.js';
import { chain } from './json-stream.js';

/**
 * A CSV file (RFC 4180, UTF-8, first line a header) with these columns, in any order; only `email` is
 * required, and a column not listed here refuses the file (a typo would otherwise drop data silently).
 */
export const CSV_COLUMNS = {
  email: 'the sign-in email',
  password_hash: 'a hash in a format the verifier knows (bcrypt, argon2, PBKDF2, scrypt, {SSHA256}...); empty: none',
  external_id: 'the user’s id at the source; default: the email',
  email_verified: 'true or false (default false)',
  disabled: 'true or false (default false): imported as DISABLED',
  tenant_id: 'the user’s tenant, for pools whose tenant comes from an attribute',
  name: 'profile',
  given_name: 'profile',
  family_name: 'profile',
  nickname: 'profile',
  picture: 'profile',
  phone_number: 'profile',
} as const;

const PROFILE_COLUMNS = ['name', 'given_name', 'family_name', 'nickname', 'picture', 'phone_number'] as const;
const BOOLEAN = /^(true|false|)$/i;

export class CsvHeaderError extends Error {}

export async function* readCsvFile(file: string, _options: ReadOptions): AsyncGenerator<ImportRecord> {
  const rows = chain(createReadStream(file), [
    parse({
      bom: true,
      info: true,
      skip_empty_lines: true,
      columns: (header: string[]) => {
        const unknown = header.filter((column) => !(column in CSV_COLUMNS));
        if (unknown.length) throw new CsvHeaderError(`unknown CSV column(s) ${unknown.join(', ')}; the columns are ${Object.keys(CSV_COLUMNS).join(', ')}`);
        if (!header.includes('email')) throw new CsvHeaderError('the CSV header has no email column');
        return header;
      },
    }),
  ]) as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>;
  for await (const { record: row, info } of rows) {
    const email = text(row.email);
    const profile: Record<string, unknown> = {};
    for (const column of PROFILE_COLUMNS) if (text(row[column])) profile[column] = row[column];
    profile.email_verified = /^true$/i.test(row.email_verified ?? '');
    const record: ImportRecord = {
      at: info.lines,
      email: email ?? '',
      externalId: text(row.external_id) ?? email ?? '',
      passwordHash: text(row.password_hash),
      profile,
      metadata: {},
      disabled: /^true$/i.test(row.disabled ?? ''),
      tenantId: text(row.tenant_id),
    };
    if (!email) record.problem = 'no email';
    else if (!BOOLEAN.test(row.email_verified ?? '') || !BOOLEAN.test(row.disabled ?? '')) record.problem = 'email_verified and disabled are true or false';
    yield record;
  }
}
