import { verify as verifyBcrypt } from '@node-rs/bcrypt';
import { hashPassword, isCurrentArgon2id, verifyArgon2 } from './argon2id.js';
import { isFirebaseScryptHash, verifyFirebaseScrypt } from './firebase-scrypt.js';
import { inHashSlot } from './hash-slots.js';

export interface Verification {
  ok: boolean;
  /** The hash is in another format or weaker parameters: store a fresh argon2id hash. */
  needsRehash: boolean;
}

/**
 * One entry point for every stored hash format. Imports bring bcrypt and Firebase scrypt hashes;
 * each successful sign-in upgrades them to argon2id with the current OWASP parameters.
 */
export async function verifyPassword(hash: string, password: string): Promise<Verification> {
  if (hash.startsWith('$argon2')) {
    const ok = await verifyArgon2(hash, password);
    return { ok, needsRehash: ok && !isCurrentArgon2id(hash) };
  }
  if (/^\$2[aby]\$\d\d\$/.test(hash)) {
    return { ok: await inHashSlot(() => verifyBcrypt(password, hash)).catch(() => false), needsRehash: true };
  }
  if (isFirebaseScryptHash(hash)) return { ok: await inHashSlot(() => verifyFirebaseScrypt(hash, password)), needsRehash: true };
  return { ok: false, needsRehash: false };
}

/** A real hash of a random password, verified when there is no user, so that misses cost what hits cost. */
let dummy: Promise<string> | undefined;
export async function burnDummyVerification(password: string): Promise<void> {
  dummy ??= hashPassword(`dummy-${Math.random()}`);
  await verifyArgon2(await dummy, password);
}

export { hashPassword };
