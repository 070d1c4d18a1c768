import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { PoolResolver } from '../pools/pool.resolver.js';
import { PrehookResolver } from '../prehooks/prehook.resolver.js';
import { RoleResolver } from '../roles/role.resolver.js';
import { TenantResolver } from '../tenants/tenant.resolver.js';
import { UserConnectionResolver, UserResolver } from '../users/user.resolver.js';
import { validateArgument } from './validate.js';

let built: Promise<GraphQLSchema> | undefined;

/** The admin schema; built once per process (type-graphql metadata is global). */
export function adminSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [TenantResolver, RoleResolver, PoolResolver, UserResolver, UserConnectionResolver, PrehookResolver],
    validateFn: validateArgument,
    emitSchemaFile: false,
  });
  return built;
}
