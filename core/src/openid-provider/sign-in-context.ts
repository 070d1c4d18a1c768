import type { EntityManager } from '@mikro-orm/postgresql';
import { REFRESH_TOKEN_TTL_S } from '../tokens/token.service.js';
import { findModel, upsertModel } from './provider-model.repository.js';

/**
 * How the user of a provider session signed in: the `pool` claim (the pool whose source verified the
 * credentials, or `local`) and `amr`. oidc-provider keeps only the account id and `amr` per session,
 * so this is stored beside its models, keyed by the session's uid, which every code and token of
 * the session carries; it lives as long as the session's refresh tokens may.
 */
export interface SignInContext {
  pool: string;
  amr: string[];
}

const KIND = 'TributarySignIn';

export async function rememberSignIn(em: EntityManager, sessionUid: string, context: SignInContext): Promise<void> {
  await upsertModel(em, {
    kind: KIND,
    id: sessionUid,
    payload: { ...context },
    grantId: null,
    uid: null,
    userCode: null,
    expiresInSeconds: REFRESH_TOKEN_TTL_S,
  });
}

export async function signInContextOf(em: EntityManager, sessionUid: string): Promise<SignInContext | null> {
  const row = await findModel(em, KIND, sessionUid);
  if (!row) return null;
  const { pool, amr } = row.payload as Partial<SignInContext>;
  return typeof pool === 'string' && Array.isArray(amr) ? { pool, amr } : null;
}
