import type { EntityManager } from '@mikro-orm/postgresql';
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { findClientRecord, type ClientRecord } from '../app-clients/app-client.repository.js';
import {
  consumeModel,
  destroyModel,
  findModel,
  findModelByUid,
  findModelByUserCode,
  revokeGrant,
  upsertModel,
  type ModelRow,
} from './provider-model.repository.js';

/** The token endpoint authentication of a confidential app client (the secret is checked against its hash: provider.ts). */
export const CONFIDENTIAL_AUTH_METHOD = 'client_secret_basic';

/** An app client as oidc-provider's client metadata; `client_secret` is the secret's hash, never the secret. */
export function clientMetadata(client: ClientRecord): AdapterPayload {
  return {
    client_id: client.clientId,
    client_name: client.name,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: client.public ? 'none' : CONFIDENTIAL_AUTH_METHOD,
    // Every ID token says when the user signed in: an app can enforce its own session age.
    require_auth_time: true,
    ...(client.secretHash ? { client_secret: client.secretHash } : {}),
    cors_origins: client.corsOrigins,
  } as AdapterPayload;
}

/**
 * oidc-provider's storage on PostgreSQL: one adapter per model kind, each request on a fresh
 * EntityManager fork. Clients are not stored here: they are the app clients an admin manages over
 * GraphQL (app_clients), read per request so a change or a rotated secret applies at once on every node.
 */
export class PostgresAdapter implements Adapter {
  constructor(
    private readonly kind: string,
    private readonly em: () => EntityManager,
  ) {}

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    if (this.kind === 'Client') throw new Error('app clients are managed over GraphQL');
    await upsertModel(this.em(), {
      kind: this.kind,
      id,
      payload: payload as Record<string, unknown>,
      grantId: payload.grantId ?? null,
      uid: payload.uid ?? null,
      userCode: payload.userCode ?? null,
      expiresInSeconds: expiresIn ? Math.ceil(expiresIn) : null,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.kind === 'Client') {
      const client = await findClientRecord(this.em(), id);
      return client ? clientMetadata(client) : undefined;
    }
    return withConsumed(await findModel(this.em(), this.kind, id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return withConsumed(await findModelByUid(this.em(), this.kind, uid));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return withConsumed(await findModelByUserCode(this.em(), this.kind, userCode));
  }

  async consume(id: string): Promise<void> {
    // oidc-provider reads, checks `consumed`, then consumes: the atomic update decides a race of two
    // redemptions of one code, and the loser gets the answer a replay gets.
    if (!(await consumeModel(this.em(), this.kind, id))) throw new errors.InvalidGrant('grant request is invalid (already used)');
  }

  async destroy(id: string): Promise<void> {
    await destroyModel(this.em(), this.kind, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await revokeGrant(this.em(), grantId);
  }
}

function withConsumed(row: ModelRow | null): AdapterPayload | undefined {
  if (!row) return undefined;
  return { ...row.payload, ...(row.consumed === null ? {} : { consumed: row.consumed }) } as AdapterPayload;
}
