import { randomInt, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SecretBox } from '../secrets/secret-box.js';
import { countWrongAttempt, deleteCode, lockCode, upsertCode, type CodePurpose } from './one-time-code.repository.js';

export { CODE_PURPOSES, type CodePurpose } from './one-time-code.repository.js';

/** How long a code lives (the mails say so). */
export const CODE_TTL_MINUTES = 10;
/** Wrong guesses a code takes; after them even the right code is refused until a new one is issued. */
export const CODE_MAX_ATTEMPTS = 5;
const CODE_PATTERN = /^\d{6}$/;

/**
 * `consumed`: right, and spent (a code works once). `invalid`: wrong, or no live code. `expired`: past its
 * ten minutes. `exhausted`: its five wrong guesses are used up. Every outcome but `consumed` means "no".
 */
export type CodeCheck = 'consumed' | 'invalid' | 'expired' | 'exhausted';

export interface CodeRequest {
  userId: string;
  purpose: CodePurpose;
}

/** Bound to its user and purpose, so equal codes of two users or purposes never share a digest. */
const digestOf = (box: SecretBox, request: CodeRequest, code: string): string => box.digest(`${request.userId}:${request.purpose}:${code}`, 'one-time-code');

/**
 * A new 6-digit code (from the CSPRNG) for `purpose`, replacing the user's live one of that purpose.
 * Only its keyed digest is stored (SecretBox.digest): a reader of the database alone cannot recover it.
 * Written through `em`, so it commits with the caller's transaction (and the mail that carries it).
 */
export async function issueCode(em: EntityManager, request: CodeRequest, box: SecretBox): Promise<string> {
  const code = randomInt(0, 1_000_000).toString().padStart(6, '0');
  await upsertCode(em, request.userId, request.purpose, digestOf(box, request, code), CODE_TTL_MINUTES * 60);
  return code;
}

/**
 * Checks and, when right, spends the live code. The row is locked for the check (a transaction of its
 * own, or a savepoint in the caller's): of two concurrent checks of one right code exactly one is
 * `consumed`, and concurrent wrong guesses all count. The digests are compared in constant time.
 */
export async function verifyCode(em: EntityManager, request: CodeRequest & { code: string }, box: SecretBox): Promise<CodeCheck> {
  const candidate = Buffer.from(digestOf(box, request, CODE_PATTERN.test(request.code) ? request.code : ''));
  return em.transactional(async (tx) => {
    const stored = await lockCode(tx, request.userId, request.purpose);
    if (!stored) return 'invalid';
    if (stored.expired) return 'expired';
    if (stored.attempts >= CODE_MAX_ATTEMPTS) return 'exhausted';
    const expected = Buffer.from(stored.digest);
    if (expected.length === candidate.length && timingSafeEqual(expected, candidate)) {
      await deleteCode(tx, request.userId, request.purpose);
      return 'consumed';
    }
    await countWrongAttempt(tx, request.userId, request.purpose);
    return 'invalid';
  });
}

/** Drops the user's live code of `purpose` (e.g. once the account it would activate is active). */
export async function revokeCode(em: EntityManager, request: CodeRequest): Promise<void> {
  await deleteCode(em, request.userId, request.purpose);
}
