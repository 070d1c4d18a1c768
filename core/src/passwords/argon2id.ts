import { hash, parseOptions, verify, type Algorithm, type Version } from '@node-rs/argon2';
import { inHashSlot } from './hash-slots.js';

// The package's enums are ambient `const enum`s, which isolatedModules cannot read: their values.
const ARGON2ID = 2 satisfies Algorithm;
const VERSION_19 = 1 satisfies Version;

/**
 * OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane. @node-rs/argon2 runs each
 * hash as one task on libuv's thread pool (never on the event loop) and reads the PHC strings the `argon2`
 * package wrote before it.
 */
export const ARGON2ID_OPTIONS = { algorithm: ARGON2ID, version: VERSION_19, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export function hashPassword(password: string): Promise<string> {
  return inHashSlot(() => hash(password, ARGON2ID_OPTIONS));
}

/**
 * What an imported argon2 hash may ask for: 128 MiB and 10 passes at most, and no more than 4 passes
 * over 128 MiB together (about half a second of a thread here; OWASP's is 19 MiB × 2). Beyond that one
 * hostile hash would hold a hash slot and gigabytes for seconds: it is not verified at all.
 */
export const ARGON2_BOUNDS = { memoryKiB: 131_072, passes: 10, lanes: 16, memoryPasses: 131_072 * 4 } as const;

const NAMES = ['argon2d', 'argon2i', 'argon2id'] as const;

/** `argon2d`, `argon2i` or `argon2id` for a well-formed hash within the bounds, else null. */
export function argon2Format(stored: string): string | null {
  try {
    const { algorithm, memoryCost, timeCost, parallelism } = parseOptions(stored);
    const name = NAMES[algorithm];
    if (!name || !stored.startsWith(`$${name}$`)) return null;
    const bounded =
      memoryCost <= ARGON2_BOUNDS.memoryKiB &&
      timeCost <= ARGON2_BOUNDS.passes &&
      parallelism <= ARGON2_BOUNDS.lanes &&
      memoryCost * timeCost <= ARGON2_BOUNDS.memoryPasses;
    return bounded ? name : null;
  } catch {
    return null;
  }
}

/** A malformed, foreign or out-of-bounds hash is a failed verification, never a crash. */
export async function verifyArgon2(stored: string, password: string): Promise<boolean> {
  if (!argon2Format(stored)) return false;
  return inHashSlot(() => verify(stored, password)).catch(() => false);
}

/** Whether a hash that verified was made with other parameters than today's, whatever their order in the string. */
export function isCurrentArgon2id(stored: string): boolean {
  try {
    const params = parseOptions(stored);
    return (
      params.algorithm === ARGON2ID_OPTIONS.algorithm &&
      params.version === ARGON2ID_OPTIONS.version &&
      params.memoryCost === ARGON2ID_OPTIONS.memoryCost &&
      params.timeCost === ARGON2ID_OPTIONS.timeCost &&
      params.parallelism === ARGON2ID_OPTIONS.parallelism &&
      params.outputLen === ARGON2ID_OPTIONS.outputLen
    );
  } catch {
    return false;
  }
}
