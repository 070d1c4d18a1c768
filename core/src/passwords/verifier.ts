import { hashPassword, isCurrentArgon2id, verifyArgon2 } from './argon2id.js';
import { verifyAnyHash } from './formats.js';

export interface Verification {
  ok: boolean;
  /** The hash is in another format or weaker parameters: store a fresh argon2id hash. */
  needsRehash: boolean;
}

/**
 * One entry point for every stored hash format (formats.ts lists them). Imports bring argon2i/d, bcrypt,
 * Firebase scrypt, PBKDF2, scrypt and legacy salted digests; each successful sign-in upgrades them, and
 * argon2id with other parameters, to argon2id with the current OWASP parameters.
 */
export async function verifyPassword(hash: string, password: string): Promise<Verification> {
  const ok = await verifyAnyHash(hash, password);
  return { ok, needsRehash: ok && !isCurrentArgon2id(hash) };
}

/** A real hash of a random password, verified when there is no user, so that misses cost what hits cost. */
let dummy: Promise<string> | undefined;
export async function burnDummyVerification(password: string): Promise<void> {
  dummy ??= hashPassword(`dummy-${Math.random()}`);
  await verifyArgon2(await dummy, password);
}

export { hashPassword };
