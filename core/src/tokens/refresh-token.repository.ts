import type { EntityManager } from '@mikro-orm/postgresql';
import { jsonColumn } from '../db/sql.js';
import { query, type Statement } from '../db/statements.js';
import { newId } from '../ids.js';
import { besideTokenUser, tokenUserOf, type TokenUser } from '../users/user.repository.js';
import type { ClaimSnapshot } from './token.service.js';

/*
 * The refresh_tokens table. Tokens are found by `token_hash` (secrets/opaque-token.ts), never stored.
 * The issue and the rotation are on the prepared-statement fast path: they are a sign-in's and a
 * refresh's one write.
 */

export interface StoredRefreshToken {
  userId: string;
  familyId: string;
  pool: string;
  amr: string[];
  /** The claims of the family's sign-in (null for tokens issued before they were kept). */
  claims: ClaimSnapshot | null;
  usedAt: Date | null;
  /** Neither revoked nor expired. */
  live: boolean;
}

/** A new token of a family, for the caller to run with its other writes (`executeTogether`). */
export function insertRefreshTokenStatement(token: {
  familyId: string;
  userId: string;
  tokenHash: string;
  pool: string;
  amr: string[];
  claims: ClaimSnapshot;
  ttlSeconds: number;
}): Statement {
  return {
    sql: 'insert into refresh_tokens (id, family_id, user_id, token_hash, pool, amr, claims, expires_at, created_at) values (?, ?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?), now())',
    params: [newId(), token.familyId, token.userId, token.tokenHash, token.pool, JSON.stringify(token.amr), JSON.stringify(token.claims), token.ttlSeconds],
  };
}

/**
 * A refresh token and its user (pool and role keys too), in one prepared statement: a refresh grant's only
 * read. The user is null when the row is gone.
 */
export async function findRefreshTokenWithUser(em: EntityManager, tokenHash: string): Promise<(StoredRefreshToken & { user: TokenUser | null }) | null> {
  const read = besideTokenUser({
    sql: 'select user_id, family_id, pool, amr, claims, used_at, (revoked_at is null and expires_at > now()) as live from refresh_tokens where token_hash = ?',
    params: [tokenHash],
  });
  const [row] = await query<Record<string, unknown>>(em, read.sql, read.params);
  if (!row) return null;
  return {
    userId: row.user_id as string,
    familyId: row.family_id as string,
    pool: row.pool as string,
    amr: jsonColumn(row.amr),
    claims: row.claims ? jsonColumn<ClaimSnapshot>(row.claims) : null,
    usedAt: (row.used_at as Date | null) ?? null,
    live: row.live === true,
    user: tokenUserOf(row),
  };
}

/**
 * Spends a token and inserts its successor (same family, user, pool, amr and sign-in claims) in one statement, so the
 * old token is spent exactly when its successor exists. The spend is one atomic `update … where used_at
 * is null`: of two concurrent uses one wins. False: nothing was spent (used, revoked or expired).
 */
export async function spendAndReplace(em: EntityManager, spentHash: string, successorHash: string, ttlSeconds: number): Promise<boolean> {
  const inserted = await query(
    em,
    `with spent as (
       update refresh_tokens set used_at = now() where token_hash = ? and used_at is null and revoked_at is null and expires_at > now()
       returning family_id, user_id, pool, amr, claims)
     insert into refresh_tokens (id, family_id, user_id, token_hash, pool, amr, claims, expires_at, created_at)
     select ?, family_id, user_id, ?, pool, amr, claims, now() + make_interval(secs => ?), now() from spent returning id`,
    [spentHash, newId(), successorHash, ttlSeconds],
  );
  return inserted.length === 1;
}

/** Whether the token was already used (a replay), read after a spend found nothing. */
export async function wasUsed(em: EntityManager, tokenHash: string): Promise<boolean> {
  const [row] = await query<{ used_at: Date | null }>(em, 'select used_at from refresh_tokens where token_hash = ?', [tokenHash]);
  return Boolean(row?.used_at);
}

export async function revokeFamily(em: EntityManager, familyId: string): Promise<void> {
  await em.getConnection().execute('update refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null', [familyId]);
}

/**
 * Revokes every live refresh token of a user, of every family but `keepFamilyId` (a password change
 * keeps the session it was made in), as a statement for the caller to run with the change itself.
 */
export function revokeUserFamiliesStatement(userId: string, keepFamilyId: string | null = null): Statement {
  return {
    sql: 'update refresh_tokens set revoked_at = now() where user_id = ? and revoked_at is null and family_id is distinct from ?::uuid',
    params: [userId, keepFamilyId],
  };
}

/** Whether a family still has a token that is neither revoked nor expired: the session an access token names is still open. */
export async function familyIsLive(em: EntityManager, familyId: string, userId: string): Promise<boolean> {
  const rows = await em
    .getConnection()
    .execute<unknown[]>('select 1 from refresh_tokens where family_id = ? and user_id = ? and revoked_at is null and expires_at > now() limit 1', [
      familyId,
      userId,
    ]);
  return rows.length > 0;
}
