import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AdminKeyResolver } from '../admin-keys/admin-key.resolver.js';
import { AppClientResolver } from '../app-clients/app-client.resolver.js';
import { auditMutations } from '../audit/audit-middleware.js';
import { AuditEventConnectionResolver, AuditResolver } from '../audit/audit.resolver.js';
import { PoolJobConnectionResolver, PoolJobResolver, PoolStatsResolver } from '../jobs/pool-job.resolver.js';
import { PoolResolver } from '../pools/pool.resolver.js';
import { PrehookResolver } from '../prehooks/prehook.resolver.js';
import { RoleResolver } from '../roles/role.resolver.js';
import { PasswordResolver } from '../self-service/password.resolver.js';
import { TenantResolver } from '../tenants/tenant.resolver.js';
import { UserConnectionResolver, UserResolver } from '../users/user.resolver.js';
import { validateArgument } from '../graphql/validate.js';

let built: Promise<GraphQLSchema> | undefined;

/** The admin schema; built once per process (type-graphql metadata is global). */
export function adminSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [
      TenantResolver,
      RoleResolver,
      PoolResolver,
      UserResolver,
      UserConnectionResolver,
      PrehookResolver,
      AuditResolver,
      AuditEventConnectionResolver,
      AdminKeyResolver,
      AppClientResolver,
      PoolJobResolver,
      PoolJobConnectionResolver,
      PoolStatsResolver,
      PasswordResolver,
    ],
    validateFn: validateArgument,
    globalMiddlewares: [auditMutations],
    emitSchemaFile: false,
  });
  return built;
}
