import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.js';

/** An app that signs its users in through Tributary's OpenID Provider (core/src/openid-provider). */
export const AppClientSchema = defineEntity({
  name: 'AppClient',
  tableName: 'app_clients',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    /** The OAuth `client_id` the app sends; the ID token's `aud`. */
    clientId: p.string().unique('app_clients_client_id_unique'),
    name: p.string(),
    /** A public client (a browser or mobile app) has no secret and must use PKCE. */
    public: p.boolean(),
    /** SHA-256 of the secret (256 random bits, shown once): null for public clients. */
    secretHash: p.string().nullable().hidden(),
    redirectUris: p.array(),
    postLogoutRedirectUris: p.array(),
    /** Origins a public client's browser code may call the token endpoint from. */
    corsOrigins: p.array(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class AppClient extends AppClientSchema.class {}
AppClientSchema.setClass(AppClient);
