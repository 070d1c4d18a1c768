import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.js';
import { User } from '../users/user.entity.js';

export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    /** All tokens rotated from one sign-in share a family; reuse of a rotated one revokes the family. */
    familyId: p.uuid().index('refresh_tokens_family_index'),
    user: () => p.manyToOne(User).deleteRule('cascade').index('refresh_tokens_user_index'),
    /** SHA-256 of the opaque token (256 random bits): the token itself is never stored. */
    tokenHash: p.string().unique('refresh_tokens_token_hash_unique').hidden(),
    /** The sign-in's `pool` and `amr` claims, carried to refreshed tokens. */
    pool: p.string(),
    amr: p.json<string[]>(),
    /** The sign-in's other claims, kept for pools that refresh without re-reading the user (token.service.ts `ClaimSnapshot`). */
    claims: p.json<Record<string, unknown>>().nullable(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class RefreshToken extends RefreshTokenSchema.class {}
RefreshTokenSchema.setClass(RefreshToken);
