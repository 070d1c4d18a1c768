import { graphql } from '../gql';

export const AppClientFields = graphql(`
  fragment AppClientFields on AppClient {
    id
    name
    clientId
    public
    redirectUris
    postLogoutRedirectUris
    corsOrigins
    createdAt
  }
`);

export const AppClientsQuery = graphql(`
  query AppClients {
    appClients {
      ...AppClientFields
    }
  }
`);

export const CreateAppClient = graphql(`
  mutation CreateAppClient($input: CreateAppClientInput!) {
    createAppClient(input: $input) {
      ...AppClientFields
      clientSecret
    }
  }
`);

export const UpdateAppClient = graphql(`
  mutation UpdateAppClient($id: ID!, $input: UpdateAppClientInput!) {
    updateAppClient(id: $id, input: $input) {
      ...AppClientFields
    }
  }
`);

export const RotateAppClientSecret = graphql(`
  mutation RotateAppClientSecret($id: ID!) {
    rotateAppClientSecret(id: $id) {
      id
      clientId
      clientSecret
    }
  }
`);

export const DeleteAppClient = graphql(`
  mutation DeleteAppClient($id: ID!) {
    deleteAppClient(id: $id)
  }
`);
