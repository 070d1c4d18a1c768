/**
 * Stored password-hash formats a source may hand over in `Identity.passwordHash`, written here because
 * both sides need them: a plugin builds the string, core's verifier reads it (core/src/passwords).
 */

/**
 * Firebase Auth's modified scrypt, one string carrying the project's hash config with the user's salt
 * and hash (all standard base64):
 * `$firebase-scrypt$<rounds>$<memCost>$<saltSeparator>$<signerKey>$<salt>$<hash>`.
 */
export const FIREBASE_SCRYPT_PREFIX = '$firebase-scrypt$';

/**
 * What Firebase projects use (the console's hash config offers rounds 1-8 and memory cost 1-14).
 * Anything larger would make one sign-in cost seconds of a worker thread and up to gigabytes: core does
 * not verify such a hash at all.
 */
export const FIREBASE_SCRYPT_BOUNDS = { rounds: { min: 1, max: 8 }, memCost: { min: 1, max: 14 } } as const;

/** A Firebase project's password hash parameters (console: Authentication → Users → ⋮ → Password hash parameters). */
export interface FirebaseScryptParams {
  rounds: number;
  memCost: number;
  /** base64 */
  saltSeparator: string;
  /** base64; the project's secret. */
  signerKey: string;
}

export function formatFirebaseScryptHash(params: FirebaseScryptParams, salt: string, hash: string): string {
  return `${FIREBASE_SCRYPT_PREFIX}${params.rounds}$${params.memCost}$${params.saltSeparator}$${params.signerKey}$${salt}$${hash}`;
}
