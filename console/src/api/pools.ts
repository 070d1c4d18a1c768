import { graphql } from '../gql';

export const PoolFields = graphql(`
  fragment PoolFields on UserPool {
    id
    name
    type
    source
    enabled
    position
    config
    createdAt
    updatedAt
    settings {
      jitMigration
      linkExistingUsers
      syncUserAttributes
      timeoutMs
      writeBack
      reloadClaimsOnRefresh
      sync {
        intervalMinutes
        onSourceDeletion
      }
      tenantResolution {
        mode
        tenantId
      }
    }
    health {
      status
      message
      checkedAt
      circuit
    }
  }
`);

export const PoolsQuery = graphql(`
  query Pools {
    userPools {
      ...PoolFields
    }
  }
`);

export const PoolQuery = graphql(`
  query Pool($id: ID!) {
    userPool(id: $id) {
      ...PoolFields
      stats {
        users
        migrated
        notMigrated
        imported
        signedInLast30Days
        lastImportAt
        lastSyncAt
      }
      activity(days: 30) {
        day
        signIns
        migrated
      }
    }
  }
`);

export const PoolSourcesQuery = graphql(`
  query PoolSources {
    poolSources {
      key
      displayName
      type
      configSchema
      secretFields
      destinationFields
    }
  }
`);

export const ReorderPools = graphql(`
  mutation ReorderPools($ids: [ID!]!) {
    reorderUserPools(ids: $ids) {
      id
      position
    }
  }
`);

export const CreatePool = graphql(`
  mutation CreatePool($input: CreateUserPoolInput!) {
    createUserPool(input: $input) {
      ...PoolFields
    }
  }
`);

export const UpdatePool = graphql(`
  mutation UpdatePool($id: ID!, $input: UpdateUserPoolInput!) {
    updateUserPool(id: $id, input: $input) {
      ...PoolFields
    }
  }
`);

export const DeletePool = graphql(`
  mutation DeletePool($id: ID!) {
    deleteUserPool(id: $id)
  }
`);

export const TestPoolConnection = graphql(`
  mutation TestPoolConnection($id: ID!) {
    testUserPoolConnection(id: $id) {
      ok
      message
    }
  }
`);

export const JobFields = graphql(`
  fragment JobFields on PoolJob {
    id
    kind
    status
    dryRun
    error
    createdAt
    startedAt
    finishedAt
    report
    pool {
      id
    }
    progress {
      seen
      created
      updated
      unchanged
      disabled
      deleted
      conflicts
      failed
    }
  }
`);

export const PoolJobsQuery = graphql(`
  query PoolJobs($poolId: ID!, $first: Int!) {
    poolJobs(filter: { poolId: $poolId }, first: $first) {
      totalCount
      nodes {
        ...JobFields
      }
    }
  }
`);

export const ImportUsers = graphql(`
  mutation ImportUsers($input: PoolJobInput!) {
    importUsers(input: $input) {
      ...JobFields
    }
  }
`);

export const SyncUsers = graphql(`
  mutation SyncUsers($input: PoolJobInput!) {
    syncUsers(input: $input) {
      ...JobFields
    }
  }
`);

export const CancelPoolJob = graphql(`
  mutation CancelPoolJob($id: ID!) {
    cancelPoolJob(id: $id) {
      ...JobFields
    }
  }
`);
