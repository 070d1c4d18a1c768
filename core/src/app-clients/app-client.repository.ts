import type { EntityManager } from '@mikro-orm/postgresql';

/*
 * The app_clients table's hand-written statements; AppClientService manages clients through the
 * entity API. The OpenID Provider reads a client per request, the federation API checks its
 * redirect URIs.
 */

/** What the OpenID Provider needs of a client: never the secret, only its hash. */
export interface ClientRecord {
  clientId: string;
  name: string;
  public: boolean;
  secretHash: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  corsOrigins: string[];
}

export async function findClientRecord(em: EntityManager, clientId: string): Promise<ClientRecord | null> {
  const [row] = await em
    .getConnection()
    .execute<Record<string, unknown>[]>(
      'select client_id, name, public, secret_hash, redirect_uris, post_logout_redirect_uris, cors_origins from app_clients where client_id = ?',
      [clientId],
    );
  if (!row) return null;
  return {
    clientId: row.client_id as string,
    name: row.name as string,
    public: row.public as boolean,
    secretHash: (row.secret_hash as string | null) ?? null,
    redirectUris: row.redirect_uris as string[],
    postLogoutRedirectUris: row.post_logout_redirect_uris as string[],
    corsOrigins: row.cors_origins as string[],
  };
}

/** Whether some app client registered this redirect URI, compared exactly (the GIN index answers `@>`). */
export async function isRegisteredRedirectUri(em: EntityManager, uri: string): Promise<boolean> {
  const [row] = await em
    .getConnection()
    .execute<{ found: boolean }[]>('select exists (select 1 from app_clients where redirect_uris @> array[?]::text[]) as found', [uri]);
  return row?.found === true;
}
