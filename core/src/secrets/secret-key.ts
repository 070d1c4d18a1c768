import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '../config.js';
import type { Logger } from '../logger.js';

function decode(value: string, origin: string): Buffer {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== 32) throw new ConfigError(`${origin} must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
}

/**
 * TRIBUTARY_SECRET_KEY, or in embedded mode a key generated once into the data dir. A server
 * database without an explicit key is refused: a key that lives only on one node's disk would
 * make every other node unable to read pool secrets.
 */
export function resolveSecretKey(config: Config, logger: Logger): Buffer {
  if (config.secretKey) return decode(config.secretKey, 'TRIBUTARY_SECRET_KEY');
  if (config.databaseUrl) {
    throw new ConfigError('TRIBUTARY_SECRET_KEY is required with DATABASE_URL (32 random bytes, base64: `openssl rand -base64 32`)');
  }
  const file = join(config.dataDir, 'secret.key');
  if (existsSync(file)) return decode(readFileSync(file, 'utf8'), file);
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64'), { mode: 0o600 });
  logger.warn({ file }, 'TRIBUTARY_SECRET_KEY is not set: generated a secrets key in the data dir (embedded mode only)');
  return key;
}
