import { createHash, randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import { executeTogether, type Statement } from '../db/statements.js';
import { newId } from '../ids.js';
import { signEs256 } from './jws.js';
import type { SigningKeys } from './signing-keys.js';

export const ACCESS_TOKEN_TTL_S = 15 * 60;
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

export class InvalidGrant extends Error {
  override readonly name = 'InvalidGrant';
}

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const PROFILE_CLAIMS = ['name', 'given_name', 'family_name', 'picture', 'locale', 'phone_number'];

export class TokenService {
  constructor(
    private readonly keys: SigningKeys,
    private readonly issuer: () => string,
    private readonly audience: string,
  ) {}

  /** `alsoRun`: writes of the caller's that go to the database in the same round trip as the refresh token. */
  async issue(em: EntityManager, subject: TokenSubject, familyId: string = newId(), alsoRun: readonly Statement[] = []): Promise<TokenSet> {
    const { kid, key } = await this.keys.active();
    const now = Math.floor(Date.now() / 1000);
    const registered = { iss: this.issuer(), aud: this.audience, sub: subject.userId, iat: now, exp: now + ACCESS_TOKEN_TTL_S };
    const reserved = { email: subject.email, tenant_id: subject.tenantId, roles: subject.roles, pool: subject.pool, amr: subject.amr };
    const profile = Object.fromEntries(PROFILE_CLAIMS.filter((claim) => subject.profile[claim] !== undefined).map((claim) => [claim, subject.profile[claim]]));
    const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
    const written = executeTogether(em, [
      {
        sql: 'insert into refresh_tokens (id, family_id, user_id, token_hash, pool, amr, expires_at, created_at) values (?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?), now())',
        params: [newId(), familyId, subject.userId, hashToken(refreshToken), subject.pool, JSON.stringify(subject.amr), REFRESH_TOKEN_TTL_S],
      },
      ...alsoRun,
    ]);
    written.catch(() => undefined); // awaited below; this only keeps a rejection during the turn from counting as unhandled
    // The pool hands the write to PostgreSQL on the next tick: sign once it is on its way, while the database works.
    await setImmediate();
    const header = { kid, typ: 'JWT' } as const;
    const accessToken = signEs256(header, { ...subject.claims, ...reserved, ...registered, jti: newId() }, key);
    const idToken = signEs256(header, { ...profile, ...reserved, ...registered, email_verified: subject.emailVerified, auth_time: now }, key);
    await written;
    return { access_token: accessToken, id_token: idToken, refresh_token: refreshToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_S };
  }

  /**
   * Spends a refresh token: one atomic update marks it used, so two concurrent uses cannot both
   * win. A token that was already used is a replay: its whole family is revoked.
   */
  async redeem(em: EntityManager, token: string): Promise<{ userId: string; familyId: string; pool: string; amr: string[] }> {
    const connection = em.getConnection();
    const hash = hashToken(token);
    const [spent] = await connection.execute<{ user_id: string; family_id: string; pool: string; amr: unknown }[]>(
      `update refresh_tokens set used_at = now() where token_hash = ? and used_at is null and revoked_at is null and expires_at > now()
       returning user_id, family_id, pool, amr`,
      [hash],
    );
    if (spent) {
      const amr = typeof spent.amr === 'string' ? (JSON.parse(spent.amr) as string[]) : (spent.amr as string[]);
      return { userId: spent.user_id, familyId: spent.family_id, pool: spent.pool, amr };
    }
    const [known] = await connection.execute<{ family_id: string; used_at: Date | null }[]>(
      'select family_id, used_at from refresh_tokens where token_hash = ?',
      [hash],
    );
    if (known?.used_at) {
      await connection.execute('update refresh_tokens set revoked_at = now() where family_id = ? and revoked_at is null', [known.family_id]);
      throw new InvalidGrant('refresh token reused: every token of its sign-in has been revoked');
    }
    throw new InvalidGrant('refresh token is invalid, expired or revoked');
  }
}
