/** The file formats `pnpm tributary import` reads. */
export const FILE_FORMATS = ['auth0', 'firebase', 'csv'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** One user of an export file, in Tributary's terms, whatever the format. */
export interface ImportRecord {
  /** Where it is in the file, for messages: the record's number (JSON, from 1) or its line (CSV). */
  at: number;
  email: string;
  externalId: string;
  /** In a format the verifier knows (passwords/formats.ts), or null when the file has none for this user. */
  passwordHash: string | null;
  /** Source-owned attributes, as a sign-in through the pool would store them (email_verified included). */
  profile: Record<string, unknown>;
  /** App-owned data (Auth0's app_metadata). */
  metadata: Record<string, unknown>;
  disabled: boolean;
  /** The tenant the file names for the user (the pool's tenantIdFieldName), for FROM_ATTRIBUTE pools. */
  tenantId: string | null;
  /** Why this record cannot be imported as it is (an unsupported hash scheme, no email). */
  problem?: string;
}

/** What a format reader needs besides the file. */
export interface ReadOptions {
  /** The pool's tenantIdFieldName: where a record names its tenant. */
  tenantField?: string;
  /** Firebase: the project's password hash parameters (`firebase auth:export` does not include them). */
  firebase?: { hashKey: string; saltSeparator: string; rounds: number; memCost: number };
}

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A tenant id as files write it: strings and numbers; anything else is no tenant. */
export const tenantOf = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
