import { defineEntity, p } from '@mikro-orm/core';

export const SigningKeySchema = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_keys',
  properties: {
    /** The JWK `kid`. */
    id: p.string().primary(),
    algorithm: p.string(),
    publicJwk: p.json<Record<string, unknown>>(),
    /** The private JWK, sealed with the secrets key (bound to the kid); never leaves the service. */
    sealedPrivateJwk: p.text().hidden(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** Set when a newer key took over; the key stays in the JWKS until its last tokens expire. */
    retiredAt: p.datetime().nullable(),
  },
});

export class SigningKey extends SigningKeySchema.class {}
SigningKeySchema.setClass(SigningKey);
