import type { EntityManager } from '@mikro-orm/postgresql';
import type { Queryable } from '../users/user.repository.js';
import { UserPool, type PoolHealthStatus } from './pool.entity.js';

/*
 * The user_pools table's queries beyond PoolService's own entity reads and edits: the one statement the
 * entity API cannot say, and the sign-in's read of the pools it tries.
 */

/** The position after the last pool's: a new pool is tried last. */
export async function nextPoolPosition(em: EntityManager): Promise<number> {
  const [row] = await em.getConnection().execute<{ next: number }[]>('select coalesce(max(position), -1) + 1 as next from user_pools');
  return Number(row?.next ?? 0);
}

/** The pools a first sign-in tries, in the admin's order. */
export const externalPoolsInSignInOrder = (em: EntityManager): Promise<UserPool[]> =>
  em.find(UserPool, { type: 'EXTERNAL', enabled: true }, { orderBy: { position: 'asc', id: 'asc' } });

/** A pool by id, or null (the federation start checks its type and state itself). */
export const findPool = (em: EntityManager, id: string): Promise<UserPool | null> => em.findOne(UserPool, { id });

/** A pool that must exist (a federation flow's: the flow goes with its pool). */
export const getPool = (em: EntityManager, id: string): Promise<UserPool> => em.findOneOrFail(UserPool, { id });

/** The pool's latest health; written without touching updated_at, which versions the pool's live connection. */
export async function recordPoolHealth(db: Queryable, poolId: string, status: PoolHealthStatus, message: string | null): Promise<void> {
  await db.query('update user_pools set health_status = $2, health_checked_at = now(), health_message = $3 where id = $1', [poolId, status, message]);
}

/** The pools the periodic connection test checks: every enabled pool with a source. */
export const poolsToCheck = (em: EntityManager): Promise<UserPool[]> => em.find(UserPool, { type: { $ne: 'NATIVE' }, enabled: true });
