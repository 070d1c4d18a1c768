import DataLoader from 'dataloader';
import type { AdminActor } from '../admin-keys/admin-key.service.js';
import type { SourceRegistry } from '../pools/source-registry.js';
import type { PoolStats } from '../jobs/pool-job.service.js';
import type { Services } from '../server/services.js';
import type { WriteBackStatus } from '../write-back/write-back.repository.js';

export interface RoleRef {
  id: string;
  key: string;
  name: string;
}

export interface GraphQLContext {
  actor: AdminActor;
  services: Services;
  sources: SourceRegistry;
  loaders: { rolesByUser: DataLoader<string, RoleRef[]>; poolStats: DataLoader<string, PoolStats>; writeBackByUser: DataLoader<string, WriteBackStatus> };
}

export function createLoaders(services: Services): GraphQLContext['loaders'] {
  return {
    rolesByUser: new DataLoader(async (ids: readonly string[]) => {
      const byUser = await services.users.rolesOf(ids);
      return ids.map((id) => byUser.get(id) ?? []);
    }),
    poolStats: new DataLoader(async (ids: readonly string[]) => {
      const byPool = await services.poolJobs.statsOf(ids);
      return ids.map((id) => byPool.get(id)!);
    }),
    // A page of users asks once for all of them.
    writeBackByUser: new DataLoader(async (ids: readonly string[]) => {
      const byUser = await services.writeBack.status(ids);
      return ids.map((id) => byUser.get(id)!);
    }),
  };
}
