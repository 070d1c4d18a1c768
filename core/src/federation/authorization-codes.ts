import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { InvalidGrant } from '../tokens/token.service.js';

const CODE_TTL_SECONDS = 60;
const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();
const hashCode = (code: string): string => sha256(code).toString('hex');

/** The S256 PKCE challenge of a verifier (RFC 7636). */
export const pkceChallenge = (verifier: string): string => sha256(verifier).toString('base64url');

export interface CodeGrant {
  userId: string;
  pool: string;
  amr: string[];
}

/** A one-time code for the app, bound to its redirect URI and, when the app sent one, its PKCE challenge. */
export async function issueAuthorizationCode(em: EntityManager, grant: CodeGrant & { redirectUri: string; codeChallenge: string | null }): Promise<string> {
  const code = `ac_${randomBytes(32).toString('base64url')}`;
  await em
    .getConnection()
    .execute(
      'insert into authorization_codes (code_hash, user_id, pool, amr, redirect_uri, code_challenge, created_at, expires_at) values (?, ?, ?, ?, ?, ?, now(), now() + make_interval(secs => ?))',
      [hashCode(code), grant.userId, grant.pool, JSON.stringify(grant.amr), grant.redirectUri, grant.codeChallenge, CODE_TTL_SECONDS],
    );
  return code;
}

/** Spends a code: single use (one atomic update), unexpired, same redirect URI, and a PKCE verifier exactly when the flow had a challenge. */
export async function redeemAuthorizationCode(em: EntityManager, code: string, redirectUri: string, codeVerifier: string | undefined): Promise<CodeGrant> {
  const [row] = await em.getConnection().execute<{ user_id: string; pool: string; amr: unknown; redirect_uri: string; code_challenge: string | null }[]>(
    `update authorization_codes set used_at = now() where code_hash = ? and used_at is null and expires_at > now()
     returning user_id, pool, amr, redirect_uri, code_challenge`,
    [hashCode(code)],
  );
  if (!row) throw new InvalidGrant('the code is invalid, expired or already used');
  if (row.redirect_uri !== redirectUri) throw new InvalidGrant('redirect_uri does not match the one the code was issued for');
  if (row.code_challenge && (!codeVerifier || pkceChallenge(codeVerifier) !== row.code_challenge)) {
    throw new InvalidGrant('code_verifier does not match the code_challenge');
  }
  // A verifier for a code issued without a challenge means the challenge was lost on the way: a
  // downgrade (RFC 9700 §2.1.1), never a code to honour.
  if (!row.code_challenge && codeVerifier !== undefined) throw new InvalidGrant('code_verifier was sent but the flow was started without a code_challenge');
  const amr = typeof row.amr === 'string' ? (JSON.parse(row.amr) as string[]) : (row.amr as string[]);
  return { userId: row.user_id, pool: row.pool, amr };
}
