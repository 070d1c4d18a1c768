import DataLoader from 'dataloader';
import type { AdminActor } from '../admin-keys/admin-key.service.js';
import type { SourceRegistry } from '../pools/source-registry.js';
import type { PoolActivityDay, PoolStats } from '../jobs/pool-job.service.js';
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
  loaders: {
    rolesByUser: DataLoader<string, RoleRef[]>;
    poolStats: DataLoader<string, PoolStats>;
    poolActivity: DataLoader<{ pool: string; days: number }, PoolActivityDay[], string>;
    writeBackByUser: DataLoader<string, WriteBackStatus>;
  };
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
    // The pools of one answer asking for the same window are counted together.
    poolActivity: new DataLoader(
      async (keys: readonly { pool: string; days: number }[]) => {
        const windows = new Map<number, Map<string, PoolActivityDay[]>>();
        for (const days of new Set(keys.map((key) => key.days))) {
          windows.set(days, await services.poolJobs.activityOf([...new Set(keys.filter((key) => key.days === days).map((key) => key.pool))], days));
        }
        return keys.map((key) => windows.get(key.days)!.get(key.pool)!);
      },
      { cacheKeyFn: (key) => `${key.days}|${key.pool}` },
    ),
    // A page of users asks once for all of them.
    writeBackByUser: new DataLoader(async (ids: readonly string[]) => {
      const byUser = await services.writeBack.status(ids);
      return ids.map((id) => byUser.get(id)!);
    }),
  };
}
