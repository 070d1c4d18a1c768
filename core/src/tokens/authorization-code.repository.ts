import type { EntityManager } from '@mikro-orm/postgresql';
import { jsonColumn } from '../db/sql.js';

/** The authorization_codes table. Codes are found by `code_hash` (secrets/opaque-token.ts), never stored. */

export interface StoredCode {
  userId: string;
  pool: string;
  amr: string[];
  redirectUri: string;
  codeChallenge: string | null;
}

export async function insertAuthorizationCode(em: EntityManager, codeHash: string, code: StoredCode, ttlSeconds: number): Promise<void> {
  await em
    .getConnection()
    .execute(
      'insert into authorization_codes (code_hash, user_id, pool, amr, redirect_uri, code_challenge, created_at, expires_at) values (?, ?, ?, ?, ?, ?, now(), now() + make_interval(secs => ?))',
      [codeHash, code.userId, code.pool, JSON.stringify(code.amr), code.redirectUri, code.codeChallenge, ttlSeconds],
    );
}

/** Spends an unexpired, unused code in one atomic update: of two concurrent exchanges one gets it. Null: no such code to spend. */
export async function spendAuthorizationCode(em: EntityManager, codeHash: string): Promise<StoredCode | null> {
  const [row] = await em.getConnection().execute<{ user_id: string; pool: string; amr: unknown; redirect_uri: string; code_challenge: string | null }[]>(
    `update authorization_codes set used_at = now() where code_hash = ? and used_at is null and expires_at > now()
     returning user_id, pool, amr, redirect_uri, code_challenge`,
    [codeHash],
  );
  if (!row) return null;
  return { userId: row.user_id, pool: row.pool, amr: jsonColumn(row.amr), redirectUri: row.redirect_uri, codeChallenge: row.code_challenge };
}
