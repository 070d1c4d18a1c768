import type { EntityManager } from '@mikro-orm/postgresql';

/** The federation_flows table: a sign-in in flight at an IdP, keyed by the `state` sent there. */

export interface FlowStart {
  state: string;
  poolId: string;
  nonce: string;
  sealedCodeVerifier: string;
  appRedirectUri: string;
  appState: string | null;
  appCodeChallenge: string | null;
}

export type ClaimedFlow = Omit<FlowStart, 'state'>;

export async function insertFlow(em: EntityManager, flow: FlowStart, ttlSeconds: number): Promise<void> {
  await em
    .getConnection()
    .execute(
      'insert into federation_flows (id, pool_id, nonce, sealed_code_verifier, app_redirect_uri, app_state, app_code_challenge, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, now(), now() + make_interval(secs => ?))',
      [flow.state, flow.poolId, flow.nonce, flow.sealedCodeVerifier, flow.appRedirectUri, flow.appState, flow.appCodeChallenge, ttlSeconds],
    );
}

/** Single use: the first callback with this state claims the flow; a replay or a late one finds nothing (null). */
export async function claimFlow(em: EntityManager, state: string): Promise<ClaimedFlow | null> {
  const [flow] = await em
    .getConnection()
    .execute<Record<string, string | null>[]>(
      'update federation_flows set used_at = now() where id = ? and used_at is null and expires_at > now() returning pool_id, nonce, sealed_code_verifier, app_redirect_uri, app_state, app_code_challenge',
      [state],
    );
  if (!flow) return null;
  return {
    poolId: flow.pool_id!,
    nonce: flow.nonce!,
    sealedCodeVerifier: flow.sealed_code_verifier!,
    appRedirectUri: flow.app_redirect_uri!,
    appState: flow.app_state ?? null,
    appCodeChallenge: flow.app_code_challenge ?? null,
  };
}
