import type { EntityManager } from '@mikro-orm/postgresql';
import type { Sandbox } from '@tributary/sandbox';
import { AdminKeyService } from '../admin-keys/admin-key.service.js';
import { AppClientService } from '../app-clients/app-client.service.js';
import { AuditLog } from '../audit/audit.service.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { PoolJobService } from '../jobs/pool-job.service.js';
import type { Logger } from '../logger.js';
import type { PoolConnector } from '../pools/pool-connector.js';
import { PoolService } from '../pools/pool.service.js';
import type { SourceRegistry } from '../pools/source-registry.js';
import { PrehookService, type CodeChecker } from '../prehooks/prehook.service.js';
import type { PrehookRunner } from '../prehooks/runner.js';
import { RoleService } from '../roles/role.service.js';
import { AdminPasswordService } from '../self-service/admin-password.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { TenantService } from '../tenants/tenant.service.js';
import { UserService } from '../users/user.service.js';
import { nativeUserRules } from '../self-service/native-rules.js';
import { sealedPasswordContext } from '../write-back/write-back-delivery.js';
import { WriteBackService } from '../write-back/write-back.service.js';

/** What lives as long as the process: no per-request or per-user state, so any node can serve any request (all state is in PostgreSQL). */
export interface AppDeps {
  logger: Logger;
  sources: SourceRegistry;
  box: SecretBox;
  connector: PoolConnector;
  sandbox: Sandbox;
  checkCode: CodeChecker;
  prehooks: PrehookRunner;
  /** pg-boss: imports, syncs, health checks and the purge. */
  jobs: JobQueue;
}

/** Services bound to one request's EntityManager fork. */
export function createServices(deps: AppDeps, em: EntityManager) {
  return {
    tenants: new TenantService(em),
    roles: new RoleService(em),
    users: new UserService(
      em,
      deps.prehooks,
      { box: deps.box, deliver: (ids) => deps.jobs.deliverWriteBack(ids), passwordContext: sealedPasswordContext },
      nativeUserRules(deps.box),
    ),
    writeBack: new WriteBackService(em, (ids) => deps.jobs.deliverWriteBack(ids)),
    pools: new PoolService(em, deps.sources, deps.box, deps.connector),
    prehooks: new PrehookService(em, deps.checkCode, deps.prehooks),
    adminKeys: new AdminKeyService(em),
    appClients: new AppClientService(em),
    audit: new AuditLog(em, deps.logger),
    poolJobs: new PoolJobService(em, deps.jobs),
    passwords: new AdminPasswordService(em),
  };
}

export type Services = ReturnType<typeof createServices>;
