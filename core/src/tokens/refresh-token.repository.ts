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
  used: boolean;
  /** Neither revoked nor expired. */
  live: boolean;
  /** Its user (pool and role keys too), read with it; null when the user is gone. */
  user: TokenUser | null;
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

const TOKEN_WITH_USER = besideTokenUser({
  sql: 'select user_id, family_id, pool, amr, claims, used_at is not null as used, (revoked_at is null and expires_at > now()) as live from refresh_tokens where token_hash = ?',
  params: [],
}).sql;

function storedOf(row: Record<string, unknown>): StoredRefreshToken {
  return {
    userId: row.user_id as string,
    familyId: row.family_id as string,
    pool: row.pool as string,
    amr: jsonColumn(row.amr),
    claims: row.claims ? jsonColumn<ClaimSnapshot>(row.claims) : null,
    used: row.used === true,
    live: row.live === true,
    user: tokenUserOf(row),
  };
}

/**
 * A refresh token and its user (pool and role keys too), in one prepared statement, spending nothing: the
 * read of a grant that must run a beforeTokenIssue prehook before it may spend. The user is null when the row is gone.
 */
export async function findRefreshTokenWithUser(em: EntityManager, tokenHash: string): Promise<StoredRefreshToken | null> {
  const [row] = await query<Record<string, unknown>>(em, TOKEN_WITH_USER, [tokenHash]);
  return row ? storedOf(row) : null;
}

/**
 * A refresh grant's one round trip: the token and its user as `findRefreshTokenWithUser` reads them, and, if the
 * token is unused, unrevoked, unexpired, of a family none of whose tokens was revoked, and its user ACTIVE, the
 * token spent and its successor (same family, user, pool, amr and sign-in claims) inserted. The spend is one atomic
 * `update … where used_at is null`: of two concurrent uses one wins, and the other reads `spent` false with its token
 * still unused in the statement's snapshot. The family check refuses a token inserted by a rotation that raced a
 * family's revocation (the revoking update did not see it). Null: no such token.
 */
export async function rotateRefreshToken(
  em: EntityManager,
  spentHash: string,
  successorHash: string,
  ttlSeconds: number,
): Promise<(StoredRefreshToken & { spent: boolean }) | null> {
  const [row] = await query<Record<string, unknown>>(
    em,
    `with r as (${TOKEN_WITH_USER}),
     spent as (
       update refresh_tokens t set used_at = now()
       where t.token_hash = ? and t.used_at is null and t.revoked_at is null and t.expires_at > now()
         and (select tu_status from r) = 'ACTIVE'
         and not exists (select 1 from refresh_tokens f where f.family_id = t.family_id and f.revoked_at is not null)
       returning t.family_id, t.user_id, t.pool, t.amr, t.claims),
     successor as (
       insert into refresh_tokens (id, family_id, user_id, token_hash, pool, amr, claims, expires_at, created_at)
       select ?, family_id, user_id, ?, pool, amr, claims, now() + make_interval(secs => ?), now() from spent returning id)
     select r.*, exists (select 1 from successor) as spent from r`,
    [spentHash, spentHash, newId(), successorHash, ttlSeconds],
  );
  return row ? { ...storedOf(row), spent: row.spent === true } : null;
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
