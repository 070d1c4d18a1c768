import { badInput, WeakPassword } from '../errors/index.js';

/**
 * Password policy after NIST SP 800-63B (§3.1.1.2): a minimum length (the pool's, never under 8), a
 * maximum that still allows passphrases, no composition rules (no "one digit, one symbol"), and a refusal
 * of passwords that are common or obviously tied to the account (the email, its local part). Unicode
 * passwords are measured in code points after NFKC normalisation, as the guideline asks.
 */

export const PASSWORD_MIN_LENGTH_FLOOR = 8;
export const PASSWORD_MAX_LENGTH = 128;

export interface PasswordPolicy {
  /** The pool's `passwordPolicy.minLength`; default and floor 8. */
  minLength?: number;
}

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'contains_email';

export interface PasswordRefusal {
  problem: PasswordProblem;
  /** For the user: what to change, never which list matched. */
  reason: string;
}

let common: Promise<Set<string>> | undefined;

/**
 * The common-password list of @zxcvbn-ts/language-common (49,233 ranked leaked passwords), loaded at the
 * first check and kept as one Set of the lower-cased entries long enough to pass the length rule (17,950;
 * the shorter ones are refused by length anyway): about 4 MB of heap once per process, with the package's
 * own arrays; a lookup takes under a microsecond.
 */
function commonPasswords(): Promise<Set<string>> {
  common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => {
    const set = new Set<string>();
    for (const entry of dictionary['passwords-common']) if (entry.length >= PASSWORD_MIN_LENGTH_FLOOR) set.add(entry.toLowerCase());
    return set;
  });
  return common;
}

export const effectiveMinLength = (policy: PasswordPolicy | undefined): number =>
  Math.max(PASSWORD_MIN_LENGTH_FLOOR, policy?.minLength ?? PASSWORD_MIN_LENGTH_FLOOR);

/** Null when the password is acceptable; else the first problem, with a reason fit for the user. */
export async function checkPassword(password: string, context: { email?: string | null; policy?: PasswordPolicy }): Promise<PasswordRefusal | null> {
  const normalised = password.normalize('NFKC');
  const length = [...normalised].length;
  const min = effectiveMinLength(context.policy);
  if (length < min) return { problem: 'too_short', reason: `must be at least ${min} characters long` };
  if (length > PASSWORD_MAX_LENGTH) return { problem: 'too_long', reason: `must be at most ${PASSWORD_MAX_LENGTH} characters long` };
  const lower = normalised.toLowerCase();
  const email = context.email?.trim().toLowerCase();
  if (email) {
    const local = email.split('@')[0] ?? '';
    if (lower === email || (local.length >= 4 && lower.includes(local))) return { problem: 'contains_email', reason: 'must not contain your email address' };
  }
  if ((await commonPasswords()).has(lower)) return { problem: 'common', reason: 'is too common: it appears in lists of leaked passwords' };
  return null;
}

/** For the end-user API: a refused password is `400 weak_password`, its reason as the description. */
export async function assertPasswordAllowed(password: string, context: { email?: string | null; policy?: PasswordPolicy }): Promise<void> {
  const refusal = await checkPassword(password, context);
  if (refusal) throw new WeakPassword(`password: ${refusal.reason}`, { details: { problem: refusal.problem } });
}

/** For the admin API: BAD_USER_INPUT naming `field` (e.g. `input.password`). */
export async function assertPasswordAllowedForAdmin(
  password: string,
  context: { email?: string | null; policy?: PasswordPolicy },
  field: string,
): Promise<void> {
  const refusal = await checkPassword(password, context);
  if (refusal) throw badInput(field, refusal.reason);
}
