import { graphql } from '../gql';

export const UsersQuery = graphql(`
  query Users($first: Int!, $after: String, $filter: UserFilterInput) {
    users(first: $first, after: $after, filter: $filter) {
      totalCount
      totalCountIsExact
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        email
        status
        lastSignInAt
        tenant {
          id
          name
        }
        pool {
          id
          name
        }
      }
    }
  }
`);

export const UserQuery = graphql(`
  query User($id: ID!) {
    user(id: $id) {
      id
      email
      status
      externalId
      profile
      metadata
      createdAt
      updatedAt
      lastSignInAt
      migratedAt
      migratedFrom {
        id
        name
      }
      pool {
        id
        name
      }
      tenant {
        id
        name
      }
      roles {
        id
        key
        name
      }
      capabilities {
        editable
        password
        oneTimeCode
        sso
        sms
      }
      writeBack {
        pending
        lastError
      }
    }
  }
`);

export const UpdateUser = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      id
      status
      profile
      metadata
      tenant {
        id
        name
      }
      roles {
        id
        key
        name
      }
      writeBack {
        pending
        lastError
      }
    }
  }
`);

export const CreateUser = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
    }
  }
`);

export const DeleteUser = graphql(`
  mutation DeleteUser($id: ID!) {
    deleteUser(id: $id)
  }
`);
