import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque bearer secrets (refresh tokens, authorization codes, admin keys): 256 random bits, stored only
 * as their SHA-256. Unsalted and fast on purpose: the input is random, so the hash is a lookup key that
 * a stolen table cannot turn back into a usable token; a password hash would only slow every lookup.
 */
export const newOpaqueToken = (prefix: string): string => prefix + randomBytes(32).toString('base64url');

export const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The stored form of an opaque token: its SHA-256 in hex (the format of every existing row). */
export const hashOpaqueToken = (token: string): string => sha256(token).toString('hex');
