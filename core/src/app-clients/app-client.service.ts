import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../errors/index.js';
import { hashOpaqueToken, newOpaqueToken } from '../secrets/opaque-token.js';
import { AppClient } from './app-client.entity.js';

const SECRET_PREFIX = 'trb_cs_';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AppClientView {
  id: string;
  clientId: string;
  /** Only in the answer that created it (create, rotate). */
  clientSecret: string | null;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  public: boolean;
  corsOrigins: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface NewAppClient {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  public: boolean;
  corsOrigins?: string[] | null;
}

export interface AppClientChanges {
  name?: string | null;
  redirectUris?: string[] | null;
  postLogoutRedirectUris?: string[] | null;
  corsOrigins?: string[] | null;
}

/** The secret is 256 random bits, so its SHA-256 is stored and checked like a refresh token's (secrets/opaque-token.ts). */
export const hashClientSecret = hashOpaqueToken;

function view(client: AppClient, clientSecret: string | null = null): AppClientView {
  return {
    id: client.id,
    clientId: client.clientId,
    clientSecret,
    name: client.name,
    redirectUris: [...client.redirectUris],
    postLogoutRedirectUris: [...client.postLogoutRedirectUris],
    public: client.public,
    corsOrigins: [...client.corsOrigins],
    createdAt: client.createdAt,
    updatedAt: client.updatedAt,
  };
}

export class AppClientService {
  constructor(private readonly em: EntityManager) {}

  async create(input: NewAppClient): Promise<AppClientView> {
    const secret = input.public ? null : newOpaqueToken(SECRET_PREFIX);
    const client = this.em.create(AppClient, {
      clientId: `app_${randomBytes(16).toString('base64url')}`,
      name: input.name,
      public: input.public,
      secretHash: secret ? hashClientSecret(secret) : null,
      redirectUris: input.redirectUris,
      postLogoutRedirectUris: input.postLogoutRedirectUris,
      corsOrigins: input.corsOrigins ?? [],
    });
    await this.em.flush();
    return view(client, secret);
  }

  async list(): Promise<AppClientView[]> {
    const clients = await this.em.find(AppClient, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return clients.map((client) => view(client));
  }

  async update(id: string, changes: AppClientChanges): Promise<AppClientView> {
    const client = await this.get(id);
    if (changes.name != null) client.name = changes.name;
    if (changes.redirectUris != null) client.redirectUris = changes.redirectUris;
    if (changes.postLogoutRedirectUris != null) client.postLogoutRedirectUris = changes.postLogoutRedirectUris;
    if (changes.corsOrigins != null) client.corsOrigins = changes.corsOrigins;
    await this.em.flush();
    return view(client);
  }

  /** The old secret stops working at once (every node reads the client per request). */
  async rotateSecret(id: string): Promise<AppClientView> {
    const client = await this.get(id);
    if (client.public) throw badInput('id', 'a public client has no secret to rotate');
    const secret = newOpaqueToken(SECRET_PREFIX);
    client.secretHash = hashClientSecret(secret);
    await this.em.flush();
    return view(client, secret);
  }

  /** The client's tokens stop working at once: the provider finds no client for them. */
  async delete(id: string): Promise<boolean> {
    const client = await this.get(id);
    this.em.remove(client);
    await this.em.flush();
    return true;
  }

  private async get(id: string): Promise<AppClient> {
    const client = UUID.test(id) ? await this.em.findOne(AppClient, { id }) : null;
    if (!client) throw notFound('app client', id);
    return client;
  }
}
