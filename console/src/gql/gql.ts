/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AppClientFields on AppClient {\n    id\n    name\n    clientId\n    public\n    redirectUris\n    postLogoutRedirectUris\n    corsOrigins\n    createdAt\n  }\n": typeof types.AppClientFieldsFragmentDoc,
    "\n  query AppClients {\n    appClients {\n      ...AppClientFields\n    }\n  }\n": typeof types.AppClientsDocument,
    "\n  mutation CreateAppClient($input: CreateAppClientInput!) {\n    createAppClient(input: $input) {\n      ...AppClientFields\n      clientSecret\n    }\n  }\n": typeof types.CreateAppClientDocument,
    "\n  mutation UpdateAppClient($id: ID!, $input: UpdateAppClientInput!) {\n    updateAppClient(id: $id, input: $input) {\n      ...AppClientFields\n    }\n  }\n": typeof types.UpdateAppClientDocument,
    "\n  mutation RotateAppClientSecret($id: ID!) {\n    rotateAppClientSecret(id: $id) {\n      id\n      clientId\n      clientSecret\n    }\n  }\n": typeof types.RotateAppClientSecretDocument,
    "\n  mutation DeleteAppClient($id: ID!) {\n    deleteAppClient(id: $id)\n  }\n": typeof types.DeleteAppClientDocument,
    "\n  query Tenants($first: Int!, $after: String, $filter: TenantFilterInput) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        metadata\n        createdAt\n      }\n    }\n  }\n": typeof types.TenantsDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateTenantDocument,
    "\n  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {\n    updateTenant(id: $id, input: $input) {\n      id\n      name\n      metadata\n    }\n  }\n": typeof types.UpdateTenantDocument,
    "\n  mutation DeleteTenant($id: ID!) {\n    deleteTenant(id: $id)\n  }\n": typeof types.DeleteTenantDocument,
    "\n  query Roles {\n    roles {\n      id\n      key\n      name\n      description\n    }\n  }\n": typeof types.RolesDocument,
    "\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      id\n      key\n      name\n    }\n  }\n": typeof types.CreateRoleDocument,
    "\n  mutation DeleteRole($id: ID!) {\n    deleteRole(id: $id)\n  }\n": typeof types.DeleteRoleDocument,
    "\n  query AdminKeys {\n    adminKeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n": typeof types.AdminKeysDocument,
    "\n  mutation CreateAdminKey($input: CreateAdminKeyInput!) {\n    createAdminKey(input: $input) {\n      key\n      adminKey {\n        id\n        name\n      }\n    }\n  }\n": typeof types.CreateAdminKeyDocument,
    "\n  mutation RevokeAdminKey($id: ID!) {\n    revokeAdminKey(id: $id)\n  }\n": typeof types.RevokeAdminKeyDocument,
    "\n  query Audit($first: Int!, $after: String, $filter: AuditEventFilterInput) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        createdAt\n        actor\n        action\n        targetId\n        outcome\n        details\n      }\n    }\n  }\n": typeof types.AuditDocument,
    "\n  fragment PoolFields on UserPool {\n    id\n    name\n    type\n    source\n    enabled\n    position\n    config\n    createdAt\n    updatedAt\n    settings {\n      jitMigration\n      linkExistingUsers\n      syncUserAttributes\n      timeoutMs\n      writeBack\n      reloadClaimsOnRefresh\n      sync {\n        intervalMinutes\n        onSourceDeletion\n      }\n      tenantResolution {\n        mode\n        tenantId\n      }\n    }\n    health {\n      status\n      message\n      checkedAt\n      circuit\n    }\n  }\n": typeof types.PoolFieldsFragmentDoc,
    "\n  query Pools {\n    userPools {\n      ...PoolFields\n    }\n  }\n": typeof types.PoolsDocument,
    "\n  query Pool($id: ID!) {\n    userPool(id: $id) {\n      ...PoolFields\n      stats {\n        users\n        migrated\n        notMigrated\n        imported\n        signedInLast30Days\n        lastImportAt\n        lastSyncAt\n      }\n      activity(days: 30) {\n        day\n        signIns\n        migrated\n      }\n    }\n  }\n": typeof types.PoolDocument,
    "\n  query PoolSources {\n    poolSources {\n      key\n      displayName\n      type\n      configSchema\n      secretFields\n      destinationFields\n    }\n  }\n": typeof types.PoolSourcesDocument,
    "\n  mutation ReorderPools($ids: [ID!]!) {\n    reorderUserPools(ids: $ids) {\n      id\n      position\n    }\n  }\n": typeof types.ReorderPoolsDocument,
    "\n  mutation CreatePool($input: CreateUserPoolInput!) {\n    createUserPool(input: $input) {\n      ...PoolFields\n    }\n  }\n": typeof types.CreatePoolDocument,
    "\n  mutation UpdatePool($id: ID!, $input: UpdateUserPoolInput!) {\n    updateUserPool(id: $id, input: $input) {\n      ...PoolFields\n    }\n  }\n": typeof types.UpdatePoolDocument,
    "\n  mutation DeletePool($id: ID!) {\n    deleteUserPool(id: $id)\n  }\n": typeof types.DeletePoolDocument,
    "\n  mutation TestPoolConnection($id: ID!) {\n    testUserPoolConnection(id: $id) {\n      ok\n      message\n    }\n  }\n": typeof types.TestPoolConnectionDocument,
    "\n  fragment JobFields on PoolJob {\n    id\n    kind\n    status\n    dryRun\n    error\n    createdAt\n    startedAt\n    finishedAt\n    report\n    pool {\n      id\n    }\n    progress {\n      seen\n      created\n      updated\n      unchanged\n      disabled\n      deleted\n      conflicts\n      failed\n    }\n  }\n": typeof types.JobFieldsFragmentDoc,
    "\n  query PoolJobs($poolId: ID!, $first: Int!) {\n    poolJobs(filter: { poolId: $poolId }, first: $first) {\n      totalCount\n      nodes {\n        ...JobFields\n      }\n    }\n  }\n": typeof types.PoolJobsDocument,
    "\n  mutation ImportUsers($input: PoolJobInput!) {\n    importUsers(input: $input) {\n      ...JobFields\n    }\n  }\n": typeof types.ImportUsersDocument,
    "\n  mutation SyncUsers($input: PoolJobInput!) {\n    syncUsers(input: $input) {\n      ...JobFields\n    }\n  }\n": typeof types.SyncUsersDocument,
    "\n  mutation CancelPoolJob($id: ID!) {\n    cancelPoolJob(id: $id) {\n      ...JobFields\n    }\n  }\n": typeof types.CancelPoolJobDocument,
    "\n  fragment PrehookFields on Prehook {\n    id\n    name\n    event\n    code\n    enabled\n    failurePolicy\n    position\n    timeoutMs\n    updatedAt\n  }\n": typeof types.PrehookFieldsFragmentDoc,
    "\n  query Prehooks {\n    prehooks {\n      ...PrehookFields\n    }\n  }\n": typeof types.PrehooksDocument,
    "\n  mutation CreatePrehook($input: CreatePrehookInput!) {\n    createPrehook(input: $input) {\n      ...PrehookFields\n    }\n  }\n": typeof types.CreatePrehookDocument,
    "\n  mutation UpdatePrehook($id: ID!, $input: UpdatePrehookInput!) {\n    updatePrehook(id: $id, input: $input) {\n      ...PrehookFields\n    }\n  }\n": typeof types.UpdatePrehookDocument,
    "\n  mutation DeletePrehook($id: ID!) {\n    deletePrehook(id: $id)\n  }\n": typeof types.DeletePrehookDocument,
    "\n  fragment RunFields on PrehookRun {\n    id\n    createdAt\n    durationMs\n    ok\n    test\n    error\n    errorKind\n    errorLine\n    log\n    logTruncated\n    result\n  }\n": typeof types.RunFieldsFragmentDoc,
    "\n  mutation TestPrehook($id: ID!, $payload: JSONObject!) {\n    testPrehook(id: $id, payload: $payload) {\n      ...RunFields\n    }\n  }\n": typeof types.TestPrehookDocument,
    "\n  query PrehookRuns($prehookId: ID!) {\n    prehookRuns(prehookId: $prehookId, first: 20) {\n      ...RunFields\n    }\n  }\n": typeof types.PrehookRunsDocument,
    "\n  query Users($first: Int!, $after: String, $filter: UserFilterInput) {\n    users(first: $first, after: $after, filter: $filter) {\n      totalCount\n      totalCountIsExact\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        email\n        status\n        lastSignInAt\n        tenant {\n          id\n          name\n        }\n        pool {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.UsersDocument,
    "\n  query User($id: ID!) {\n    user(id: $id) {\n      id\n      email\n      status\n      externalId\n      profile\n      metadata\n      createdAt\n      updatedAt\n      lastSignInAt\n      migratedAt\n      migratedFrom {\n        id\n        name\n      }\n      pool {\n        id\n        name\n      }\n      tenant {\n        id\n        name\n      }\n      roles {\n        id\n        key\n        name\n      }\n      capabilities {\n        editable\n        password\n        oneTimeCode\n        sso\n        sms\n      }\n      writeBack {\n        pending\n        lastError\n      }\n    }\n  }\n": typeof types.UserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      id\n      status\n      profile\n      metadata\n      tenant {\n        id\n        name\n      }\n      roles {\n        id\n        key\n        name\n      }\n      writeBack {\n        pending\n        lastError\n      }\n    }\n  }\n": typeof types.UpdateUserDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateUserDocument,
    "\n  mutation DeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n": typeof types.DeleteUserDocument,
};
const documents: Documents = {
    "\n  fragment AppClientFields on AppClient {\n    id\n    name\n    clientId\n    public\n    redirectUris\n    postLogoutRedirectUris\n    corsOrigins\n    createdAt\n  }\n": types.AppClientFieldsFragmentDoc,
    "\n  query AppClients {\n    appClients {\n      ...AppClientFields\n    }\n  }\n": types.AppClientsDocument,
    "\n  mutation CreateAppClient($input: CreateAppClientInput!) {\n    createAppClient(input: $input) {\n      ...AppClientFields\n      clientSecret\n    }\n  }\n": types.CreateAppClientDocument,
    "\n  mutation UpdateAppClient($id: ID!, $input: UpdateAppClientInput!) {\n    updateAppClient(id: $id, input: $input) {\n      ...AppClientFields\n    }\n  }\n": types.UpdateAppClientDocument,
    "\n  mutation RotateAppClientSecret($id: ID!) {\n    rotateAppClientSecret(id: $id) {\n      id\n      clientId\n      clientSecret\n    }\n  }\n": types.RotateAppClientSecretDocument,
    "\n  mutation DeleteAppClient($id: ID!) {\n    deleteAppClient(id: $id)\n  }\n": types.DeleteAppClientDocument,
    "\n  query Tenants($first: Int!, $after: String, $filter: TenantFilterInput) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        metadata\n        createdAt\n      }\n    }\n  }\n": types.TenantsDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateTenantDocument,
    "\n  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {\n    updateTenant(id: $id, input: $input) {\n      id\n      name\n      metadata\n    }\n  }\n": types.UpdateTenantDocument,
    "\n  mutation DeleteTenant($id: ID!) {\n    deleteTenant(id: $id)\n  }\n": types.DeleteTenantDocument,
    "\n  query Roles {\n    roles {\n      id\n      key\n      name\n      description\n    }\n  }\n": types.RolesDocument,
    "\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      id\n      key\n      name\n    }\n  }\n": types.CreateRoleDocument,
    "\n  mutation DeleteRole($id: ID!) {\n    deleteRole(id: $id)\n  }\n": types.DeleteRoleDocument,
    "\n  query AdminKeys {\n    adminKeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n": types.AdminKeysDocument,
    "\n  mutation CreateAdminKey($input: CreateAdminKeyInput!) {\n    createAdminKey(input: $input) {\n      key\n      adminKey {\n        id\n        name\n      }\n    }\n  }\n": types.CreateAdminKeyDocument,
    "\n  mutation RevokeAdminKey($id: ID!) {\n    revokeAdminKey(id: $id)\n  }\n": types.RevokeAdminKeyDocument,
    "\n  query Audit($first: Int!, $after: String, $filter: AuditEventFilterInput) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        createdAt\n        actor\n        action\n        targetId\n        outcome\n        details\n      }\n    }\n  }\n": types.AuditDocument,
    "\n  fragment PoolFields on UserPool {\n    id\n    name\n    type\n    source\n    enabled\n    position\n    config\n    createdAt\n    updatedAt\n    settings {\n      jitMigration\n      linkExistingUsers\n      syncUserAttributes\n      timeoutMs\n      writeBack\n      reloadClaimsOnRefresh\n      sync {\n        intervalMinutes\n        onSourceDeletion\n      }\n      tenantResolution {\n        mode\n        tenantId\n      }\n    }\n    health {\n      status\n      message\n      checkedAt\n      circuit\n    }\n  }\n": types.PoolFieldsFragmentDoc,
    "\n  query Pools {\n    userPools {\n      ...PoolFields\n    }\n  }\n": types.PoolsDocument,
    "\n  query Pool($id: ID!) {\n    userPool(id: $id) {\n      ...PoolFields\n      stats {\n        users\n        migrated\n        notMigrated\n        imported\n        signedInLast30Days\n        lastImportAt\n        lastSyncAt\n      }\n      activity(days: 30) {\n        day\n        signIns\n        migrated\n      }\n    }\n  }\n": types.PoolDocument,
    "\n  query PoolSources {\n    poolSources {\n      key\n      displayName\n      type\n      configSchema\n      secretFields\n      destinationFields\n    }\n  }\n": types.PoolSourcesDocument,
    "\n  mutation ReorderPools($ids: [ID!]!) {\n    reorderUserPools(ids: $ids) {\n      id\n      position\n    }\n  }\n": types.ReorderPoolsDocument,
    "\n  mutation CreatePool($input: CreateUserPoolInput!) {\n    createUserPool(input: $input) {\n      ...PoolFields\n    }\n  }\n": types.CreatePoolDocument,
    "\n  mutation UpdatePool($id: ID!, $input: UpdateUserPoolInput!) {\n    updateUserPool(id: $id, input: $input) {\n      ...PoolFields\n    }\n  }\n": types.UpdatePoolDocument,
    "\n  mutation DeletePool($id: ID!) {\n    deleteUserPool(id: $id)\n  }\n": types.DeletePoolDocument,
    "\n  mutation TestPoolConnection($id: ID!) {\n    testUserPoolConnection(id: $id) {\n      ok\n      message\n    }\n  }\n": types.TestPoolConnectionDocument,
    "\n  fragment JobFields on PoolJob {\n    id\n    kind\n    status\n    dryRun\n    error\n    createdAt\n    startedAt\n    finishedAt\n    report\n    pool {\n      id\n    }\n    progress {\n      seen\n      created\n      updated\n      unchanged\n      disabled\n      deleted\n      conflicts\n      failed\n    }\n  }\n": types.JobFieldsFragmentDoc,
    "\n  query PoolJobs($poolId: ID!, $first: Int!) {\n    poolJobs(filter: { poolId: $poolId }, first: $first) {\n      totalCount\n      nodes {\n        ...JobFields\n      }\n    }\n  }\n": types.PoolJobsDocument,
    "\n  mutation ImportUsers($input: PoolJobInput!) {\n    importUsers(input: $input) {\n      ...JobFields\n    }\n  }\n": types.ImportUsersDocument,
    "\n  mutation SyncUsers($input: PoolJobInput!) {\n    syncUsers(input: $input) {\n      ...JobFields\n    }\n  }\n": types.SyncUsersDocument,
    "\n  mutation CancelPoolJob($id: ID!) {\n    cancelPoolJob(id: $id) {\n      ...JobFields\n    }\n  }\n": types.CancelPoolJobDocument,
    "\n  fragment PrehookFields on Prehook {\n    id\n    name\n    event\n    code\n    enabled\n    failurePolicy\n    position\n    timeoutMs\n    updatedAt\n  }\n": types.PrehookFieldsFragmentDoc,
    "\n  query Prehooks {\n    prehooks {\n      ...PrehookFields\n    }\n  }\n": types.PrehooksDocument,
    "\n  mutation CreatePrehook($input: CreatePrehookInput!) {\n    createPrehook(input: $input) {\n      ...PrehookFields\n    }\n  }\n": types.CreatePrehookDocument,
    "\n  mutation UpdatePrehook($id: ID!, $input: UpdatePrehookInput!) {\n    updatePrehook(id: $id, input: $input) {\n      ...PrehookFields\n    }\n  }\n": types.UpdatePrehookDocument,
    "\n  mutation DeletePrehook($id: ID!) {\n    deletePrehook(id: $id)\n  }\n": types.DeletePrehookDocument,
    "\n  fragment RunFields on PrehookRun {\n    id\n    createdAt\n    durationMs\n    ok\n    test\n    error\n    errorKind\n    errorLine\n    log\n    logTruncated\n    result\n  }\n": types.RunFieldsFragmentDoc,
    "\n  mutation TestPrehook($id: ID!, $payload: JSONObject!) {\n    testPrehook(id: $id, payload: $payload) {\n      ...RunFields\n    }\n  }\n": types.TestPrehookDocument,
    "\n  query PrehookRuns($prehookId: ID!) {\n    prehookRuns(prehookId: $prehookId, first: 20) {\n      ...RunFields\n    }\n  }\n": types.PrehookRunsDocument,
    "\n  query Users($first: Int!, $after: String, $filter: UserFilterInput) {\n    users(first: $first, after: $after, filter: $filter) {\n      totalCount\n      totalCountIsExact\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        email\n        status\n        lastSignInAt\n        tenant {\n          id\n          name\n        }\n        pool {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.UsersDocument,
    "\n  query User($id: ID!) {\n    user(id: $id) {\n      id\n      email\n      status\n      externalId\n      profile\n      metadata\n      createdAt\n      updatedAt\n      lastSignInAt\n      migratedAt\n      migratedFrom {\n        id\n        name\n      }\n      pool {\n        id\n        name\n      }\n      tenant {\n        id\n        name\n      }\n      roles {\n        id\n        key\n        name\n      }\n      capabilities {\n        editable\n        password\n        oneTimeCode\n        sso\n        sms\n      }\n      writeBack {\n        pending\n        lastError\n      }\n    }\n  }\n": types.UserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      id\n      status\n      profile\n      metadata\n      tenant {\n        id\n        name\n      }\n      roles {\n        id\n        key\n        name\n      }\n      writeBack {\n        pending\n        lastError\n      }\n    }\n  }\n": types.UpdateUserDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n    }\n  }\n": types.CreateUserDocument,
    "\n  mutation DeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n": types.DeleteUserDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AppClientFields on AppClient {\n    id\n    name\n    clientId\n    public\n    redirectUris\n    postLogoutRedirectUris\n    corsOrigins\n    createdAt\n  }\n"): (typeof documents)["\n  fragment AppClientFields on AppClient {\n    id\n    name\n    clientId\n    public\n    redirectUris\n    postLogoutRedirectUris\n    corsOrigins\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AppClients {\n    appClients {\n      ...AppClientFields\n    }\n  }\n"): (typeof documents)["\n  query AppClients {\n    appClients {\n      ...AppClientFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAppClient($input: CreateAppClientInput!) {\n    createAppClient(input: $input) {\n      ...AppClientFields\n      clientSecret\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAppClient($input: CreateAppClientInput!) {\n    createAppClient(input: $input) {\n      ...AppClientFields\n      clientSecret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateAppClient($id: ID!, $input: UpdateAppClientInput!) {\n    updateAppClient(id: $id, input: $input) {\n      ...AppClientFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateAppClient($id: ID!, $input: UpdateAppClientInput!) {\n    updateAppClient(id: $id, input: $input) {\n      ...AppClientFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateAppClientSecret($id: ID!) {\n    rotateAppClientSecret(id: $id) {\n      id\n      clientId\n      clientSecret\n    }\n  }\n"): (typeof documents)["\n  mutation RotateAppClientSecret($id: ID!) {\n    rotateAppClientSecret(id: $id) {\n      id\n      clientId\n      clientSecret\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAppClient($id: ID!) {\n    deleteAppClient(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteAppClient($id: ID!) {\n    deleteAppClient(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tenants($first: Int!, $after: String, $filter: TenantFilterInput) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        metadata\n        createdAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query Tenants($first: Int!, $after: String, $filter: TenantFilterInput) {\n    tenants(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        metadata\n        createdAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {\n    updateTenant(id: $id, input: $input) {\n      id\n      name\n      metadata\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {\n    updateTenant(id: $id, input: $input) {\n      id\n      name\n      metadata\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteTenant($id: ID!) {\n    deleteTenant(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteTenant($id: ID!) {\n    deleteTenant(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Roles {\n    roles {\n      id\n      key\n      name\n      description\n    }\n  }\n"): (typeof documents)["\n  query Roles {\n    roles {\n      id\n      key\n      name\n      description\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      id\n      key\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateRole($input: CreateRoleInput!) {\n    createRole(input: $input) {\n      id\n      key\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteRole($id: ID!) {\n    deleteRole(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteRole($id: ID!) {\n    deleteRole(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminKeys {\n    adminKeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n"): (typeof documents)["\n  query AdminKeys {\n    adminKeys {\n      id\n      name\n      createdAt\n      lastUsedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAdminKey($input: CreateAdminKeyInput!) {\n    createAdminKey(input: $input) {\n      key\n      adminKey {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAdminKey($input: CreateAdminKeyInput!) {\n    createAdminKey(input: $input) {\n      key\n      adminKey {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeAdminKey($id: ID!) {\n    revokeAdminKey(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeAdminKey($id: ID!) {\n    revokeAdminKey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Audit($first: Int!, $after: String, $filter: AuditEventFilterInput) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        createdAt\n        actor\n        action\n        targetId\n        outcome\n        details\n      }\n    }\n  }\n"): (typeof documents)["\n  query Audit($first: Int!, $after: String, $filter: AuditEventFilterInput) {\n    auditEvents(first: $first, after: $after, filter: $filter) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        createdAt\n        actor\n        action\n        targetId\n        outcome\n        details\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PoolFields on UserPool {\n    id\n    name\n    type\n    source\n    enabled\n    position\n    config\n    createdAt\n    updatedAt\n    settings {\n      jitMigration\n      linkExistingUsers\n      syncUserAttributes\n      timeoutMs\n      writeBack\n      reloadClaimsOnRefresh\n      sync {\n        intervalMinutes\n        onSourceDeletion\n      }\n      tenantResolution {\n        mode\n        tenantId\n      }\n    }\n    health {\n      status\n      message\n      checkedAt\n      circuit\n    }\n  }\n"): (typeof documents)["\n  fragment PoolFields on UserPool {\n    id\n    name\n    type\n    source\n    enabled\n    position\n    config\n    createdAt\n    updatedAt\n    settings {\n      jitMigration\n      linkExistingUsers\n      syncUserAttributes\n      timeoutMs\n      writeBack\n      reloadClaimsOnRefresh\n      sync {\n        intervalMinutes\n        onSourceDeletion\n      }\n      tenantResolution {\n        mode\n        tenantId\n      }\n    }\n    health {\n      status\n      message\n      checkedAt\n      circuit\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Pools {\n    userPools {\n      ...PoolFields\n    }\n  }\n"): (typeof documents)["\n  query Pools {\n    userPools {\n      ...PoolFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Pool($id: ID!) {\n    userPool(id: $id) {\n      ...PoolFields\n      stats {\n        users\n        migrated\n        notMigrated\n        imported\n        signedInLast30Days\n        lastImportAt\n        lastSyncAt\n      }\n      activity(days: 30) {\n        day\n        signIns\n        migrated\n      }\n    }\n  }\n"): (typeof documents)["\n  query Pool($id: ID!) {\n    userPool(id: $id) {\n      ...PoolFields\n      stats {\n        users\n        migrated\n        notMigrated\n        imported\n        signedInLast30Days\n        lastImportAt\n        lastSyncAt\n      }\n      activity(days: 30) {\n        day\n        signIns\n        migrated\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PoolSources {\n    poolSources {\n      key\n      displayName\n      type\n      configSchema\n      secretFields\n      destinationFields\n    }\n  }\n"): (typeof documents)["\n  query PoolSources {\n    poolSources {\n      key\n      displayName\n      type\n      configSchema\n      secretFields\n      destinationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReorderPools($ids: [ID!]!) {\n    reorderUserPools(ids: $ids) {\n      id\n      position\n    }\n  }\n"): (typeof documents)["\n  mutation ReorderPools($ids: [ID!]!) {\n    reorderUserPools(ids: $ids) {\n      id\n      position\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePool($input: CreateUserPoolInput!) {\n    createUserPool(input: $input) {\n      ...PoolFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePool($input: CreateUserPoolInput!) {\n    createUserPool(input: $input) {\n      ...PoolFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePool($id: ID!, $input: UpdateUserPoolInput!) {\n    updateUserPool(id: $id, input: $input) {\n      ...PoolFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdatePool($id: ID!, $input: UpdateUserPoolInput!) {\n    updateUserPool(id: $id, input: $input) {\n      ...PoolFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeletePool($id: ID!) {\n    deleteUserPool(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeletePool($id: ID!) {\n    deleteUserPool(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestPoolConnection($id: ID!) {\n    testUserPoolConnection(id: $id) {\n      ok\n      message\n    }\n  }\n"): (typeof documents)["\n  mutation TestPoolConnection($id: ID!) {\n    testUserPoolConnection(id: $id) {\n      ok\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobFields on PoolJob {\n    id\n    kind\n    status\n    dryRun\n    error\n    createdAt\n    startedAt\n    finishedAt\n    report\n    pool {\n      id\n    }\n    progress {\n      seen\n      created\n      updated\n      unchanged\n      disabled\n      deleted\n      conflicts\n      failed\n    }\n  }\n"): (typeof documents)["\n  fragment JobFields on PoolJob {\n    id\n    kind\n    status\n    dryRun\n    error\n    createdAt\n    startedAt\n    finishedAt\n    report\n    pool {\n      id\n    }\n    progress {\n      seen\n      created\n      updated\n      unchanged\n      disabled\n      deleted\n      conflicts\n      failed\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PoolJobs($poolId: ID!, $first: Int!) {\n    poolJobs(filter: { poolId: $poolId }, first: $first) {\n      totalCount\n      nodes {\n        ...JobFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query PoolJobs($poolId: ID!, $first: Int!) {\n    poolJobs(filter: { poolId: $poolId }, first: $first) {\n      totalCount\n      nodes {\n        ...JobFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ImportUsers($input: PoolJobInput!) {\n    importUsers(input: $input) {\n      ...JobFields\n    }\n  }\n"): (typeof documents)["\n  mutation ImportUsers($input: PoolJobInput!) {\n    importUsers(input: $input) {\n      ...JobFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SyncUsers($input: PoolJobInput!) {\n    syncUsers(input: $input) {\n      ...JobFields\n    }\n  }\n"): (typeof documents)["\n  mutation SyncUsers($input: PoolJobInput!) {\n    syncUsers(input: $input) {\n      ...JobFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelPoolJob($id: ID!) {\n    cancelPoolJob(id: $id) {\n      ...JobFields\n    }\n  }\n"): (typeof documents)["\n  mutation CancelPoolJob($id: ID!) {\n    cancelPoolJob(id: $id) {\n      ...JobFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PrehookFields on Prehook {\n    id\n    name\n    event\n    code\n    enabled\n    failurePolicy\n    position\n    timeoutMs\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment PrehookFields on Prehook {\n    id\n    name\n    event\n    code\n    enabled\n    failurePolicy\n    position\n    timeoutMs\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Prehooks {\n    prehooks {\n      ...PrehookFields\n    }\n  }\n"): (typeof documents)["\n  query Prehooks {\n    prehooks {\n      ...PrehookFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePrehook($input: CreatePrehookInput!) {\n    createPrehook(input: $input) {\n      ...PrehookFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePrehook($input: CreatePrehookInput!) {\n    createPrehook(input: $input) {\n      ...PrehookFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePrehook($id: ID!, $input: UpdatePrehookInput!) {\n    updatePrehook(id: $id, input: $input) {\n      ...PrehookFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdatePrehook($id: ID!, $input: UpdatePrehookInput!) {\n    updatePrehook(id: $id, input: $input) {\n      ...PrehookFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeletePrehook($id: ID!) {\n    deletePrehook(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeletePrehook($id: ID!) {\n    deletePrehook(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RunFields on PrehookRun {\n    id\n    createdAt\n    durationMs\n    ok\n    test\n    error\n    errorKind\n    errorLine\n    log\n    logTruncated\n    result\n  }\n"): (typeof documents)["\n  fragment RunFields on PrehookRun {\n    id\n    createdAt\n    durationMs\n    ok\n    test\n    error\n    errorKind\n    errorLine\n    log\n    logTruncated\n    result\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestPrehook($id: ID!, $payload: JSONObject!) {\n    testPrehook(id: $id, payload: $payload) {\n      ...RunFields\n    }\n  }\n"): (typeof documents)["\n  mutation TestPrehook($id: ID!, $payload: JSONObject!) {\n    testPrehook(id: $id, payload: $payload) {\n      ...RunFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PrehookRuns($prehookId: ID!) {\n    prehookRuns(prehookId: $prehookId, first: 20) {\n      ...RunFields\n    }\n  }\n"): (typeof documents)["\n  query PrehookRuns($prehookId: ID!) {\n    prehookRuns(prehookId: $prehookId, first: 20) {\n      ...RunFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users($first: Int!, $after: String, $filter: UserFilterInput) {\n    users(first: $first, after: $after, filter: $filter) {\n      totalCount\n      totalCountIsExact\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        email\n        status\n        lastSignInAt\n        tenant {\n          id\n          name\n        }\n        pool {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Users($first: Int!, $after: String, $filter: UserFilterInput) {\n    users(first: $first, after: $after, filter: $filter) {\n      totalCount\n      totalCountIsExact\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        email\n        status\n        lastSignInAt\n        tenant {\n          id\n          name\n        }\n        pool {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query User($id: ID!) {\n    user(id: $id) {\n      id\n      email\n      status\n      externalId\n      profile\n      metadata\n      createdAt\n      updatedAt\n      lastSignInAt\n      migratedAt\n      migratedFrom {\n        id\n        name\n      }\n      pool {\n        id\n        name\n      }\n      tenant {\n        id\n        name\n      }\n      roles {\n        id\n        key\n        name\n      }\n      capabilities {\n        editable\n        password\n        oneTimeCode\n        sso\n        sms\n      }\n      writeBack {\n        pending\n        lastError\n      }\n    }\n  }\n"): (typeof documents)["\n  query User($id: ID!) {\n    user(id: $id) {\n      id\n      email\n      status\n      externalId\n      profile\n      metadata\n      createdAt\n      updatedAt\n      lastSignInAt\n      migratedAt\n      migratedFrom {\n        id\n        name\n      }\n      pool {\n        id\n        name\n      }\n      tenant {\n        id\n        name\n      }\n      roles {\n        id\n        key\n        name\n      }\n      capabilities {\n        editable\n        password\n        oneTimeCode\n        sso\n        sms\n      }\n      writeBack {\n        pending\n        lastError\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      id\n      status\n      profile\n      metadata\n      tenant {\n        id\n        name\n      }\n      roles {\n        id\n        key\n        name\n      }\n      writeBack {\n        pending\n        lastError\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      id\n      status\n      profile\n      metadata\n      tenant {\n        id\n        name\n      }\n      roles {\n        id\n        key\n        name\n      }\n      writeBack {\n        pending\n        lastError\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteUser($id: ID!) {\n    deleteUser(id: $id)\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;