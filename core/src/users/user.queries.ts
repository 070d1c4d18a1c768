import type { EntityManager } from '@mikro-orm/postgresql';
import { USERS_EXACT_COUNT_LIMIT, type Count } from '../graphql/connection.js';
import type { PoolSettings } from '../pools/pool.entity.js';
import { escapeLike } from '../tenants/tenant.service.js';
import type { UserStatus } from './user.entity.js';

/** A user as the admin API shows it: one row, tenant and pool joined in. */
export interface UserView {
  id: string;
  email: string;
  status: UserStatus;
  profile: Record<string, unknown>;
  metadata: Record<string, unknown>;
  externalId: string | null;
  migratedAt: Date | null;
  lastSignInAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  tenant: { id: string; name: string } | null;
  pool: { id: string; name: string; settings: PoolSettings } | null;
  migratedFrom: { id: string } | null;
}

export interface UserFilter {
  email?: string | null;
  tenantId?: string | null;
  poolId?: string | null;
  status?: UserStatus | null;
}

const COLUMNS = `u.id, u.email, u.status, u.profile, u.metadata, u.external_id, u.migrated_at, u.last_sign_in_at,
  u.created_at, u.updated_at, u.migrated_from_id, t.id as tenant_id, t.name as tenant_name,
  p.id as pool_id, p.name as pool_name, p.settings as pool_settings`;
const FROM = 'from users u left join tenants t on t.id = u.tenant_id left join user_pools p on p.id = u.pool_id';

type Row = Record<string, unknown>;

const json = (value: unknown): Record<string, unknown> => (typeof value === 'string' ? JSON.parse(value) : (value as Record<string, unknown>));
const date = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string));

function toView(row: Row): UserView {
  return {
    id: row.id as string,
    email: row.email as string,
    status: row.status as UserStatus,
    profile: json(row.profile),
    metadata: json(row.metadata),
    externalId: (row.external_id as string | null) ?? null,
    migratedAt: date(row.migrated_at),
    lastSignInAt: date(row.last_sign_in_at),
    createdAt: date(row.created_at)!,
    updatedAt: date(row.updated_at)!,
    tenant: row.tenant_id ? { id: row.tenant_id as string, name: row.tenant_name as string } : null,
    pool: row.pool_id ? { id: row.pool_id as string, name: row.pool_name as string, settings: json(row.pool_settings) as unknown as PoolSettings } : null,
    migratedFrom: row.migrated_from_id ? { id: row.migrated_from_id as string } : null,
  };
}

function where(filter: UserFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.email) {
    clauses.push(`u.email like ?`);
    params.push(`${escapeLike(filter.email.trim().toLowerCase())}%`);
  }
  if (filter.tenantId) {
    clauses.push('u.tenant_id = ?');
    params.push(filter.tenantId);
  }
  if (filter.poolId) {
    clauses.push('u.pool_id = ?');
    params.push(filter.poolId);
  }
  if (filter.status) {
    clauses.push('u.status = ?');
    params.push(filter.status);
  }
  return { sql: clauses.length ? clauses.join(' and ') : 'true', params };
}

/**
 * The admin user list is the hottest admin query (a million users and more), so it is plain SQL:
 * keyset pagination on the time-ordered id, tenant and pool joined in one statement.
 */
export class UserQueries {
  constructor(private readonly em: EntityManager) {}

  async page(filter: UserFilter, first: number, afterId: string | null): Promise<UserView[]> {
    const { sql, params } = where(filter);
    const after = afterId ? ' and u.id > ?' : '';
    const rows: Row[] = await this.em
      .getConnection()
      .execute(`select ${COLUMNS} ${FROM} where ${sql}${after} order by u.id limit ?`, [...params, ...(afterId ? [afterId] : []), first + 1]);
    return rows.map(toView);
  }

  /**
   * Exact up to the limit; past it, the planner's estimate. An exact count(*) over a million rows
   * costs 50-100 ms, ten times the page itself, and no admin needs "899,701" rather than "about 900k".
   */
  async count(filter: UserFilter, limit = USERS_EXACT_COUNT_LIMIT): Promise<Count> {
    const { sql, params } = where(filter);
    const connection = this.em.getConnection();
    const estimateOf = this.em.getPlatform().formatQuery(`select 1 from users u where ${sql}`, params);
    const [row] = await connection.execute<{ n: number; estimate: string | null }[]>(
      `select c.n, case when c.n > ? then tributary_row_estimate(?) end as estimate
       from (select count(*)::int as n from (select 1 from users u where ${sql} limit ?) s) c`,
      [limit, estimateOf, ...params, limit + 1],
    );
    const value = Number(row?.n ?? 0);
    if (value <= limit) return { value, exact: true };
    return { value: Math.max(Number(row?.estimate ?? value), value), exact: false };
  }

  async byId(id: string): Promise<UserView | null> {
    const rows: Row[] = await this.em.getConnection().execute(`select ${COLUMNS} ${FROM} where u.id = ?`, [id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  async byEmail(email: string): Promise<UserView | null> {
    const rows: Row[] = await this.em.getConnection().execute(`select ${COLUMNS} ${FROM} where u.email = ?`, [email]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Roles of many users in one statement (DataLoader batches the page's users into one call). */
  async rolesOf(userIds: readonly string[]): Promise<Map<string, { id: string; key: string; name: string }[]>> {
    const byUser = new Map<string, { id: string; key: string; name: string }[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return byUser;
    const rows: Row[] = await this.em
      .getConnection()
      .execute('select ur.user_id, r.id, r.key, r.name from user_roles ur join roles r on r.id = ur.role_id where ur.user_id in (?) order by r.key', [
        [...userIds],
      ]);
    for (const row of rows) byUser.get(row.user_id as string)?.push({ id: row.id as string, key: row.key as string, name: row.name as string });
    return byUser;
  }
}
