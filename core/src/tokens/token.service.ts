import { setImmediate } from 'node:timers/promises';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeTogether, type Statement } from '../db/statements.js';
import { InvalidGrant } from '../errors/index.js';
import { newId } from '../ids.js';
import { hashOpaqueToken, newOpaqueToken } from '../secrets/opaque-token.js';
import {
  findRefreshTokenWithUser,
  insertRefreshTokenStatement,
  revokeFamily,
  rotateRefreshToken,
  wasUsed,
  type StoredRefreshToken,
} from './refresh-token.repository.js';
import { signEs256 } from './jws.js';
import { SIGNING_ALGORITHM, type ActiveKey, type SigningKeys } from './signing-keys.js';
import type { User } from '../users/user.entity.js';
import type { TokenUser } from '../users/user.repository.js';

export const ACCESS_TOKEN_TTL_S = 15 * 60;
/** RFC 9068's media type: a resource server that requires it never takes an ID token for an access token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const REFRESH_TOKEN_TTL_S = 30 * 24 * 3600;

/** What a token says about its user; assembled by sign-in from the user row. */
export interface TokenSubject {
  userId: string;
  email: string;
  emailVerified: boolean;
  tenantId: string | null;
  roles: string[];
  profile: Record<string, unknown>;
  /** The pool whose source verified the credentials in this sign-in, or `local`. */
  pool: string;
  amr: string[];
  /** Extra claims from beforeTokenIssue prehooks; never overriding reserved ones. */
  claims?: Record<string, unknown>;
}

export interface TokenSet {
  access_token: string;
  id_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * The claims of a sign-in beyond `sub`, `pool` and `amr`, kept with its refresh tokens: a pool with
 * `reloadClaimsOnRefresh` off refreshes with these instead of re-reading the user.
 */
export interface ClaimSnapshot {
  email: string;
  emailVerified: boolean;
  tenantId: string | null;
  roles: string[];
  /** Only the profile claims an ID token carries. */
  profile: Record<string, unknown>;
  /** beforeTokenIssue's claims at the sign-in. */
  claims?: Record<string, unknown>;
}

/** A beforeTokenIssue prehook's claims for a grant's user: given only when such a prehook is enabled. */
export type GrantClaims = (user: TokenUser) => Promise<Record<string, unknown> | undefined>;

const PROFILE_CLAIMS = ['name', 'given_name', 'family_name', 'picture', 'locale', 'phone_number'];

export interface TokenAudiences {
  /** The access token's `aud`: the APIs that accept it (TRIBUTARY_TOKEN_AUDIENCE). */
  api: string;
  /** The app's client id: the ID token's `aud` and the access token's `client_id` (TRIBUTARY_APP_CLIENT_ID). */
  app: string;
}

export class TokenService {
  constructor(
    private readonly keys: SigningKeys,
    private readonly issuer: () => string,
    private readonly audiences: TokenAudiences,
    private readonly clock: () => number = Date.now,
  ) {}

  /** `alsoRun`: writes of the caller's that go to the database in the same round trip as the refresh token. */
  async issue(em: EntityManager, subject: TokenSubject, familyId: string = newId(), alsoRun: readonly Statement[] = []): Promise<TokenSet> {
    return this.sign(subject, familyId, (refreshToken) =>
      executeTogether(em, [
        insertRefreshTokenStatement({
          familyId,
          userId: subject.userId,
          tokenHash: hashOpaqueToken(refreshToken),
          pool: subject.pool,
          amr: subject.amr,
          claims: claimSnapshotOf(subject),
          ttlSeconds: REFRESH_TOKEN_TTL_S,
        }),
        ...alsoRun,
      ]),
    );
  }

  /**
   * A refresh grant: the token rotated and new tokens signed. Without a beforeTokenIssue prehook it is one
   * statement (`rotateRefreshToken`: checked, spent, replaced, and what the new tokens say read). A prehook must
   * run before the spend, so that one that fails leaves the token usable: then the token and its user are read
   * first, and the same statement spends. A token already used is a replay: its whole family is revoked.
   */
  async refresh(em: EntityManager, token: string, prehookClaims?: GrantClaims): Promise<TokenSet> {
    const hash = hashOpaqueToken(token);
    let claims: Record<string, unknown> | undefined;
    if (prehookClaims) {
      const read = await this.grantable(em, await findRefreshTokenWithUser(em, hash));
      if (!keepsClaims(read)) claims = await prehookClaims(read.user);
    }
    // Once the token is spent nothing may fail before its successor is handed out: the key comes first.
    const signer = await this.keys.active();
    const successor = newOpaqueToken('rt_');
    const rotated = await this.grantable(em, await rotateRefreshToken(em, hash, hashOpaqueToken(successor), REFRESH_TOKEN_TTL_S));
    // Grantable yet not spent: a concurrent use won (this one is then a replay), or the family was revoked.
    if (!rotated.spent) {
      if (await wasUsed(em, hash)) await this.replayed(em, rotated.familyId);
      throw new InvalidGrant('refresh token is invalid, expired or revoked');
    }
    const subject = keepsClaims(rotated)
      ? keptSubjectOf(rotated)
      : { ...tokenSubjectOf(rotated.user, rotated.pool, rotated.amr), ...(claims ? { claims } : {}) };
    return this.signed(subject, rotated.familyId, successor, signer);
  }

  /** The token, with its user, when it may be rotated as far as its row says (the spend has the last word). */
  private async grantable<T extends StoredRefreshToken>(em: EntityManager, token: T | null): Promise<T & { user: TokenUser }> {
    if (token?.used) return this.replayed(em, token.familyId);
    if (!token?.live) throw new InvalidGrant('refresh token is invalid, expired or revoked');
    if (token.user?.status !== 'ACTIVE') throw new InvalidGrant('the user can no longer sign in');
    return token as T & { user: TokenUser };
  }

  private async replayed(em: EntityManager, familyId: string): Promise<never> {
    await revokeFamily(em, familyId);
    throw new InvalidGrant('refresh token reused: every token of its sign-in has been revoked');
  }

  /**
   * An access token this service issued, checked as a resource server would (RFC 9068: signature against
   * the published keys, issuer, audience, type `at+jwt`, expiry). Null when it is not one.
   */
  async verifyAccessToken(token: string): Promise<AccessClaims | null> {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(await this.keys.jwks()), {
        issuer: this.issuer(),
        audience: this.audiences.api,
        typ: ACCESS_TOKEN_TYPE,
        algorithms: [SIGNING_ALGORITHM],
        currentDate: new Date(this.clock()),
        requiredClaims: ['sub', 'exp', 'sid'],
      });
      return { userId: payload.sub!, familyId: String(payload.sid), amr: Array.isArray(payload.amr) ? payload.amr.map(String) : [] };
    } catch {
      return null;
    }
  }

  /** Signs the access and ID tokens while `write` (which stores the new refresh token) is in flight; no tokens unless it succeeds. */
  private async sign(subject: TokenSubject, familyId: string, write: (refreshToken: string) => Promise<void>): Promise<TokenSet> {
    const signer = await this.keys.active();
    const refreshToken = newOpaqueToken('rt_');
    const written = write(refreshToken);
    written.catch(() => undefined); // awaited below; this only keeps a rejection during the turn from counting as unhandled
    // The pool hands the write to PostgreSQL on the next tick: sign once it is on its way, while the database works.
    await setImmediate();
    const tokens = this.signed(subject, familyId, refreshToken, signer);
    await written;
    return tokens;
  }

  /** `sid` is the refresh-token family: the session a token belongs to. */
  private signed(subject: TokenSubject, familyId: string, refreshToken: string, { kid, key }: ActiveKey): TokenSet {
    const now = Math.floor(this.clock() / 1000);
    const registered = { iss: this.issuer(), sub: subject.userId, sid: familyId, iat: now, exp: now + ACCESS_TOKEN_TTL_S };
    // Told apart by type and audience, so neither passes where the other is expected.
    const accessToken = signEs256(
      { kid, typ: ACCESS_TOKEN_TYPE },
      { ...accessClaims(subject), ...registered, aud: this.audiences.api, client_id: this.audiences.app, jti: newId() },
      key,
    );
    const idToken = signEs256({ kid, typ: 'JWT' }, { ...identityClaims(subject), ...registered, aud: this.audiences.app, auth_time: now }, key);
    return { access_token: accessToken, id_token: idToken, refresh_token: refreshToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_S };
  }
}

/** What an access token said, to an endpoint of this service that takes one (a password change). */
export interface AccessClaims {
  userId: string;
  /** The refresh-token family (`sid`) of the sign-in it came from. */
  familyId: string;
  amr: string[];
}

/** DESIGN §4's claims of a sign-in, in every token: no prehook may override them. */
function reservedClaims(subject: TokenSubject): Record<string, unknown> {
  return { email: subject.email, tenant_id: subject.tenantId, roles: subject.roles, pool: subject.pool, amr: subject.amr };
}

/** An access token's claims about its user: the prehooks' beforeTokenIssue claims under the reserved ones. */
export function accessClaims(subject: TokenSubject): Record<string, unknown> {
  return { ...subject.claims, ...reservedClaims(subject) };
}

/** An ID token's (and the OpenID Provider's ID token and userinfo) claims about its user: profile, then the reserved ones. */
export function identityClaims(subject: TokenSubject): Record<string, unknown> {
  return { ...profileClaims(subject.profile), ...reservedClaims(subject), email_verified: subject.emailVerified };
}

function profileClaims(profile: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(PROFILE_CLAIMS.filter((claim) => profile[claim] !== undefined).map((claim) => [claim, profile[claim]]));
}

function claimSnapshotOf(subject: TokenSubject): ClaimSnapshot {
  const { email, emailVerified, tenantId, roles, claims } = subject;
  return { email, emailVerified, tenantId, roles, profile: profileClaims(subject.profile), ...(claims ? { claims } : {}) };
}

/** A pool with `reloadClaimsOnRefresh` off: the sign-in's claims, prehook claims included, carry over unchanged (local users always re-read). */
function keepsClaims(token: StoredRefreshToken & { user: TokenUser }): token is StoredRefreshToken & { user: TokenUser; claims: ClaimSnapshot } {
  return token.claims !== null && !token.user.reloadClaimsOnRefresh;
}

/** The subject of a refresh that keeps its sign-in's claims: nothing is re-read but the user's status. */
function keptSubjectOf(token: StoredRefreshToken & { claims: ClaimSnapshot }): TokenSubject {
  const { claims, ...kept } = token.claims;
  return { userId: token.userId, pool: token.pool, amr: token.amr, ...kept, ...(claims ? { claims } : {}) };
}

/** What a token says of a user: `via` is the `pool` claim, `amr` how they authenticated. */
export function subjectOf(user: User, via: string, amr: string[] = ['pwd']): TokenSubject {
  return {
    userId: user.id,
    email: user.email,
    emailVerified: user.profile.email_verified === true,
    tenantId: user.tenant?.id ?? null,
    roles: user.roles.getItems().map((role) => role.key),
    profile: user.profile,
    pool: via,
    amr,
  };
}

/** What a token says of a user read as plain data (a token grant's): the same claims as `subjectOf`. */
export function tokenSubjectOf(user: TokenUser, via: string, amr: string[]): TokenSubject {
  return {
    userId: user.id,
    email: user.email,
    emailVerified: user.profile.email_verified === true,
    tenantId: user.tenantId,
    roles: user.roles,
    profile: user.profile,
    pool: via,
    amr,
  };
}
