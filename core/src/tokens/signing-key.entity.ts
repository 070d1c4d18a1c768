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
    /** When it starts signing: published first, it signs only once relying parties can know it. */
    activatesAt: p.datetime(),
    /** When the next key starts signing (that key's activatesAt); published until its last tokens expire. */
    retiresAt: p.datetime().nullable(),
  },
});

export class SigningKey extends SigningKeySchema.class {}
SigningKeySchema.setClass(SigningKey);
