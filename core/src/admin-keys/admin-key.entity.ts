import { defineEntity, p } from '@mikro-orm/core';
import { newId } from '../ids.js';

export const AdminKeySchema = defineEntity({
  name: 'AdminKey',
  tableName: 'admin_keys',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    name: p.string(),
    /** SHA-256 of the key: the key is 256 random bits, so a fast hash is as safe as a slow one. */
    keyHash: p.string().unique('admin_keys_key_hash_unique').hidden(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export class AdminKey extends AdminKeySchema.class {}
AdminKeySchema.setClass(AdminKey);
