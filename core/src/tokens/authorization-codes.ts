import type { EntityManager } from '@mikro-orm/postgresql';
import { InvalidGrant } from '../errors/index.js';
import { hashOpaqueToken, newOpaqueToken, sha256 } from '../secrets/opaque-token.js';
import { insertAuthorizationCode, spendAuthorizationCode } from './authorization-code.repository.js';

const CODE_TTL_SECONDS = 60;

/** The S256 PKCE challenge of a verifier (RFC 7636). */
export const pkceChallenge = (verifier: string): string => sha256(verifier).toString('base64url');

export interface CodeGrant {
  userId: string;
  pool: string;
  amr: string[];
}

/** A one-time code for the app, bound to its redirect URI and, when the app sent one, its PKCE challenge. */
export async function issueAuthorizationCode(em: EntityManager, grant: CodeGrant & { redirectUri: string; codeChallenge: string | null }): Promise<string> {
  const code = newOpaqueToken('ac_');
  await insertAuthorizationCode(em, hashOpaqueToken(code), grant, CODE_TTL_SECONDS);
  return code;
}

/** Spends a code: single use (one atomic update), unexpired, same redirect URI, and a PKCE verifier exactly when the flow had a challenge. */
export async function redeemAuthorizationCode(em: EntityManager, code: string, redirectUri: string, codeVerifier: string | undefined): Promise<CodeGrant> {
  const row = await spendAuthorizationCode(em, hashOpaqueToken(code));
  if (!row) throw new InvalidGrant('the code is invalid, expired or already used');
  if (row.redirectUri !== redirectUri) throw new InvalidGrant('redirect_uri does not match the one the code was issued for');
  if (row.codeChallenge && (!codeVerifier || pkceChallenge(codeVerifier) !== row.codeChallenge)) {
    throw new InvalidGrant('code_verifier does not match the code_challenge');
  }
  // A verifier for a code issued without a challenge means the challenge was lost on the way: a
  // downgrade (RFC 9700 §2.1.1), never a code to honour.
  if (!row.codeChallenge && codeVerifier !== undefined) throw new InvalidGrant('code_verifier was sent but the flow was started without a code_challenge');
  return { userId: row.userId, pool: row.pool, amr: row.amr };
}
