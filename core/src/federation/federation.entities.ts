import { defineEntity, p } from '@mikro-orm/core';
import { UserPool } from '../pools/pool.entity.js';
import { User } from '../users/user.entity.js';

/** A sign-in in flight at an IdP: what to check when it comes back, and where to send the user then. */
export const FederationFlowSchema = defineEntity({
  name: 'FederationFlow',
  tableName: 'federation_flows',
  properties: {
    /** The `state` sent to the IdP: 256 random bits, single use. */
    id: p.string().primary(),
    pool: () => p.manyToOne(UserPool).deleteRule('cascade'),
    nonce: p.string(),
    /** PKCE verifier for the IdP's code, sealed like other secrets. */
    sealedCodeVerifier: p.text().hidden(),
    appRedirectUri: p.text(),
    appState: p.text().nullable(),
    appCodeChallenge: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index('federation_flows_expires_index'),
    usedAt: p.datetime().nullable(),
  },
});
export class FederationFlow extends FederationFlowSchema.class {}
FederationFlowSchema.setClass(FederationFlow);

/** An IdP identity linked to an existing user (the pool allows linking by verified email). */
export const FederatedIdentitySchema = defineEntity({
  name: 'FederatedIdentity',
  tableName: 'federated_identities',
  properties: {
    pool: () => p.manyToOne(UserPool).primary().deleteRule('cascade'),
    subject: p.string().primary(),
    user: () => p.manyToOne(User).deleteRule('cascade').index('federated_identities_user_index'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class FederatedIdentity extends FederatedIdentitySchema.class {}
FederatedIdentitySchema.setClass(FederatedIdentity);
