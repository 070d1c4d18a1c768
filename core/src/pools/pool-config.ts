import { isDeepStrictEqual } from 'node:util';
import type { SecretBox } from '../secrets/secret-box.js';

/** What secret fields look like on the way out: the value never leaves the service. */
export const SECRET_MASK = '********';

export interface SplitConfig {
  /** Stored as plain JSON. */
  publicPart: Record<string, unknown>;
  /** Sealed before storage; null when the config has no secret set. */
  sealed: string | null;
}

export function splitConfig(config: Record<string, unknown>, secretFields: readonly string[], box: SecretBox, poolId: string): SplitConfig {
  const publicPart: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (secretFields.includes(key)) secrets[key] = value;
    else publicPart[key] = value;
  }
  const hasSecrets = Object.values(secrets).some((value) => value !== undefined);
  return { publicPart, sealed: hasSecrets ? box.seal(JSON.stringify(secrets), poolId) : null };
}

export function openSecrets(sealed: string | null | undefined, box: SecretBox, poolId: string): Record<string, unknown> {
  return sealed ? (JSON.parse(box.open(sealed, poolId)) as Record<string, unknown>) : {};
}

/** The config as admins see it: secret fields that are set come back as the mask. */
export function maskedConfig(publicPart: Record<string, unknown>, secretFields: readonly string[], setSecrets: readonly string[]): Record<string, unknown> {
  const masked: Record<string, unknown> = { ...publicPart };
  for (const key of secretFields) if (setSecrets.includes(key)) masked[key] = SECRET_MASK;
  return masked;
}

/**
 * On update, a secret field left out or sent back as the mask keeps its stored value, so an admin
 * UI can round-trip a config it was shown without knowing the secrets.
 */
export function mergeConfigUpdate(stored: Record<string, unknown>, update: Record<string, unknown>, secretFields: readonly string[]): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...update };
  for (const key of secretFields) {
    if (!(key in update) || update[key] === SECRET_MASK) {
      if (stored[key] !== undefined) merged[key] = stored[key];
      else delete merged[key];
    }
  }
  return merged;
}

export interface SecretFieldsOf {
  secretFields: readonly string[];
  destinationFields: readonly string[];
}

/**
 * A stored secret may only go where it went when the admin who knew it set it. When an update moves
 * a destination field (host, issuer, endpoint, the code that receives the secrets), every secret it
 * would keep must be sent again instead: returns the first secret kept across such a move, with the
 * field that moved, or undefined when the update is allowed.
 */
export function secretKeptAcrossMove(
  source: SecretFieldsOf,
  stored: Record<string, unknown>,
  next: Record<string, unknown>,
  update: Record<string, unknown>,
): { secret: string; moved: string } | undefined {
  const moved = source.destinationFields.find((field) => !isDeepStrictEqual(next[field], stored[field]));
  if (!moved) return undefined;
  const secret = source.secretFields.find((key) => stored[key] !== undefined && (!(key in update) || update[key] === SECRET_MASK));
  return secret ? { secret, moved } : undefined;
}
