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

/** A malformed or foreign hash is a failed verification, never a crash. */
export function verifyArgon2(stored: string, password: string): Promise<boolean> {
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
