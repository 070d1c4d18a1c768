import type { EntityManager } from '@mikro-orm/postgresql';
import { jsonColumn } from '../db/sql.js';
import { query } from '../db/statements.js';
import type { User, UserStatus } from '../users/user.entity.js';
import { besideUserByEmail, mapSignInUser, findUserForSignIn, type TokenUser } from '../users/user.repository.js';
import { reserveStatement, type Reservation } from './throttle.js';

type Row = Record<string, unknown> & { throttle_wait: number | null; account_counted: boolean; id: string | null; pool_id: string | null; role_rows: unknown };

export interface SignInState {
  /** Seconds until this email may try again from this address; 0: go ahead, the attempt is reserved. */
  retryAfter: number;
  /** What the reservation counted (when `retryAfter` is 0): the outcome keeps or gives it back. */
  reservation: Reservation;
  /** The stored hash of a local user (null: a local user without a password; undefined: not a local user). */
  localPasswordHash: string | null | undefined;
  /**
   * A local user (no pool) as plain data: what their tokens say. Without prehooks to show the user to,
   * the sign-in needs no more, and skips building the entity (a fifth of its JavaScript beyond the hash).
   */
  localUser?: TokenUser;
  /** The user as a managed entity, built on demand: the sign-in overlaps that work with the password check. */
  user(): Promise<User | null>;
}

/**
 * What a sign-in needs before it checks a password: its attempt reserved on the throttle counters, and
 * the user with their roles, in one plain statement (one round trip) mapped into a managed entity. The ORM's own populate
 * costs about 2 ms a sign-in in query building and hydration, most of the pipeline's budget beyond the
 * hash. Users of an external pool take the ORM path: their pool entity is needed, and their sign-in
 * waits on the source anyway.
 */
export async function loadSignInState(em: EntityManager, email: string, ip: string): Promise<SignInState> {
  const read = besideUserByEmail(reserveStatement(email, ip), email);
  const [row] = await query<Row>(em, read.sql, read.params);
  const limits = { retryAfter: Math.max(0, Number(row?.throttle_wait ?? 0)), reservation: { email, ip, accountCounted: row?.account_counted === true } };
  if (!row?.id) return { ...limits, localPasswordHash: undefined, user: async () => null };
  const id = row.id;
  if (row.pool_id) {
    return { ...limits, localPasswordHash: undefined, user: () => findUserForSignIn(em, id) };
  }
  const { throttle_wait: _wait, account_counted: _counted, role_rows: roleRows, ...userRow } = row;
  const user = async () => mapSignInUser(em, userRow, roleRows);
  return { ...limits, localPasswordHash: (row.password_hash as string | null) ?? null, localUser: localUserOf(row), user };
}

function localUserOf(row: Row): TokenUser {
  return {
    id: row.id!,
    email: row.email as string,
    status: row.status as UserStatus,
    tenantId: (row.tenant_id as string | null) ?? null,
    roles: jsonColumn<{ key: string }[]>(row.role_rows)
      .map((role) => role.key)
      .sort(),
    profile: jsonColumn(row.profile),
    metadata: jsonColumn(row.metadata),
    migratedFrom: (row.migrated_from_id as string | null) ?? null,
    pool: null,
    reloadClaimsOnRefresh: true,
  };
}
