import { graphql } from '../gql';

export const TenantsQuery = graphql(`
  query Tenants($first: Int!, $after: String, $filter: TenantFilterInput) {
    tenants(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        metadata
        createdAt
      }
    }
  }
`);

export const CreateTenant = graphql(`
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      id
      name
    }
  }
`);

export const UpdateTenant = graphql(`
  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {
    updateTenant(id: $id, input: $input) {
      id
      name
      metadata
    }
  }
`);

export const DeleteTenant = graphql(`
  mutation DeleteTenant($id: ID!) {
    deleteTenant(id: $id)
  }
`);

export const RolesQuery = graphql(`
  query Roles {
    roles {
      id
      key
      name
      description
    }
  }
`);

export const CreateRole = graphql(`
  mutation CreateRole($input: CreateRoleInput!) {
    createRole(input: $input) {
      id
      key
      name
    }
  }
`);

export const DeleteRole = graphql(`
  mutation DeleteRole($id: ID!) {
    deleteRole(id: $id)
  }
`);

export const AdminKeysQuery = graphql(`
  query AdminKeys {
    adminKeys {
      id
      name
      createdAt
      lastUsedAt
    }
  }
`);

export const CreateAdminKey = graphql(`
  mutation CreateAdminKey($input: CreateAdminKeyInput!) {
    createAdminKey(input: $input) {
      key
      adminKey {
        id
        name
      }
    }
  }
`);

export const RevokeAdminKey = graphql(`
  mutation RevokeAdminKey($id: ID!) {
    revokeAdminKey(id: $id)
  }
`);

export const AuditQuery = graphql(`
  query Audit($first: Int!, $after: String, $filter: AuditEventFilterInput) {
    auditEvents(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        createdAt
        actor
        action
        targetId
        outcome
        details
      }
    }
  }
`);
