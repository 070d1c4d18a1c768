import { AdminKey } from '../admin-keys/admin-key.entity.js';
import { AppClient } from '../app-clients/app-client.entity.js';
import { AuditEvent } from '../audit/audit-event.entity.js';
import { FederatedIdentity, FederationFlow } from '../federation/federation.entities.js';
import { AuthorizationCode } from '../tokens/authorization-code.entity.js';
import { PoolJob } from '../jobs/pool-job.entity.js';
import { UserPool } from '../pools/pool.entity.js';
import { Prehook } from '../prehooks/prehook.entity.js';
import { Role } from '../roles/role.entity.js';
import { Tenant } from '../tenants/tenant.entity.js';
import { SignInAttempt } from '../sign-in/sign-in-attempt.entity.js';
import { RefreshToken } from '../tokens/refresh-token.entity.js';
import { SigningKey } from '../tokens/signing-key.entity.js';
import { User } from '../users/user.entity.js';
import { WriteBackItem } from '../write-back/write-back.entity.js';

export const entities = [
  Tenant,
  Role,
  User,
  UserPool,
  Prehook,
  AdminKey,
  AuditEvent,
  SigningKey,
  RefreshToken,
  SignInAttempt,
  FederationFlow,
  AuthorizationCode,
  FederatedIdentity,
  PoolJob,
  WriteBackItem,
  AppClient,
];
