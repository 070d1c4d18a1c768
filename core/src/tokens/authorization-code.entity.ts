import { defineEntity, p } from '@mikro-orm/core';
import { User } from '../users/user.entity.js';

/** One-time codes Tributary gives the app after a federated sign-in, exchanged at /auth/token. */
export const AuthorizationCodeSchema = defineEntity({
  name: 'AuthorizationCode',
  tableName: 'authorization_codes',
  properties: {
    /** SHA-256 of the code. */
    codeHash: p.string().primary(),
    user: () => p.manyToOne(User).deleteRule('cascade'),
    pool: p.string(),
    amr: p.json<string[]>(),
    redirectUri: p.text(),
    codeChallenge: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});
export class AuthorizationCode extends AuthorizationCodeSchema.class {}
AuthorizationCodeSchema.setClass(AuthorizationCode);
