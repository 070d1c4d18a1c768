import { newId } from '../ids.js';
import { defineEntity, p } from '@mikro-orm/core';

export const RoleSchema = defineEntity({
  name: 'Role',
  tableName: 'roles',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => newId()),
    // Source roles map to local roles whose key equals the source role name.
    key: p.string().unique('roles_key_unique'),
    name: p.string(),
    description: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class Role extends RoleSchema.class {}
RoleSchema.setClass(Role);
