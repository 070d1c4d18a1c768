import { verify } from '@node-rs/bcrypt';
import { within } from './encoding.js';
import { inHashSlot } from './hash-slots.js';

/**
 * bcrypt's cost is a power of two: cost 10 (Auth0's) takes ~70 ms of a thread, each step doubles it.
 * Exports use 10-12; a cost above 14 (over a second a verification) is refused outright, so an imported
 * hash cannot hold a hash slot for minutes (cost 31 would take days).
 */
export const BCRYPT_BOUNDS = { cost: { min: 4, max: 14 } } as const;

const FORMAT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;

export const isBcryptHash = (hash: string): boolean => hash.startsWith('$2');

export function bcryptFormat(hash: string): string | null {
  const match = FORMAT.exec(hash);
  return match && within(Number(match[1]), BCRYPT_BOUNDS.cost.min, BCRYPT_BOUNDS.cost.max) ? 'bcrypt' : null;
}

/** On libuv's thread pool (@node-rs/bcrypt), in a hash slot. */
export async function verifyBcrypt(hash: string, password: string): Promise<boolean> {
  if (!bcryptFormat(hash)) return false;
  return inHashSlot(() => verify(password, hash)).catch(() => false);
}
