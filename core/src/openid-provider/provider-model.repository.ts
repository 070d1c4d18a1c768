import type { EntityManager } from '@mikro-orm/postgresql';

/*
 * The openid_provider_models table: every model of the OpenID Provider (sessions, interactions,
 * grants, codes, tokens...) as one row per (kind, id), its payload as oidc-provider gives it. The
 * columns beside the payload are what the provider looks rows up or revokes them by. Expired rows
 * are never returned, and the scheduled purge deletes them (maintenance/purge.ts).
 */

export interface ModelRow {
  payload: Record<string, unknown>;
  /** When it was consumed, in seconds since the epoch (oidc-provider's `consumed`); null when it was not. */
  consumed: number | null;
}

export interface ModelWrite {
  kind: string;
  id: string;
  payload: Record<string, unknown>;
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
  expiresInSeconds: number | null;
}

const LIVE = '(expires_at is null or expires_at > now())';

export async function upsertModel(em: EntityManager, row: ModelWrite): Promise<void> {
  await em.getConnection().execute(
    `insert into openid_provider_models (kind, id, payload, grant_id, uid, user_code, expires_at)
     values (?, ?, ?, ?, ?, ?, case when ?::int is null then null else now() + make_interval(secs => ?::int) end)
     on conflict (kind, id) do update set payload = excluded.payload, grant_id = excluded.grant_id, uid = excluded.uid,
       user_code = excluded.user_code, expires_at = excluded.expires_at`,
    [row.kind, row.id, JSON.stringify(row.payload), row.grantId, row.uid, row.userCode, row.expiresInSeconds, row.expiresInSeconds],
    'run',
  );
}

async function findBy(em: EntityManager, kind: string, column: 'id' | 'uid' | 'user_code', value: string): Promise<ModelRow | null> {
  const [row] = await em
    .getConnection()
    .execute<{ payload: Record<string, unknown>; consumed: string | number | null }[]>(
      `select payload, floor(extract(epoch from consumed_at))::bigint as consumed from openid_provider_models where kind = ? and ${column} = ? and ${LIVE} limit 1`,
      [kind, value],
    );
  return row ? { payload: row.payload, consumed: row.consumed === null ? null : Number(row.consumed) } : null;
}

export const findModel = (em: EntityManager, kind: string, id: string) => findBy(em, kind, 'id', id);
export const findModelByUid = (em: EntityManager, kind: string, uid: string) => findBy(em, kind, 'uid', uid);
export const findModelByUserCode = (em: EntityManager, kind: string, userCode: string) => findBy(em, kind, 'user_code', userCode);

/** Marks a code or token used; false when it already was (of two concurrent redemptions one wins). */
export async function consumeModel(em: EntityManager, kind: string, id: string): Promise<boolean> {
  const { affectedRows } = await em
    .getConnection()
    .execute<{ affectedRows: number }>(
      'update openid_provider_models set consumed_at = now() where kind = ? and id = ? and consumed_at is null',
      [kind, id],
      'run',
    );
  return affectedRows > 0;
}

export async function destroyModel(em: EntityManager, kind: string, id: string): Promise<void> {
  await em.getConnection().execute('delete from openid_provider_models where kind = ? and id = ?', [kind, id], 'run');
}

/** Everything issued under a grant (its codes, tokens and the grant itself), of every kind. */
export async function revokeGrant(em: EntityManager, grantId: string): Promise<void> {
  await em.getConnection().execute('delete from openid_provider_models where grant_id = ?', [grantId], 'run');
}
