import { graphql } from '../gql';

export const PrehookFields = graphql(`
  fragment PrehookFields on Prehook {
    id
    name
    event
    code
    enabled
    failurePolicy
    position
    timeoutMs
    updatedAt
  }
`);

export const PrehooksQuery = graphql(`
  query Prehooks {
    prehooks {
      ...PrehookFields
    }
  }
`);

export const CreatePrehook = graphql(`
  mutation CreatePrehook($input: CreatePrehookInput!) {
    createPrehook(input: $input) {
      ...PrehookFields
    }
  }
`);

export const UpdatePrehook = graphql(`
  mutation UpdatePrehook($id: ID!, $input: UpdatePrehookInput!) {
    updatePrehook(id: $id, input: $input) {
      ...PrehookFields
    }
  }
`);

export const DeletePrehook = graphql(`
  mutation DeletePrehook($id: ID!) {
    deletePrehook(id: $id)
  }
`);

export const RunFields = graphql(`
  fragment RunFields on PrehookRun {
    id
    createdAt
    durationMs
    ok
    test
    error
    errorKind
    errorLine
    log
    logTruncated
    result
  }
`);

export const TestPrehook = graphql(`
  mutation TestPrehook($id: ID!, $payload: JSONObject!) {
    testPrehook(id: $id, payload: $payload) {
      ...RunFields
    }
  }
`);

export const PrehookRunsQuery = graphql(`
  query PrehookRuns($prehookId: ID!) {
    prehookRuns(prehookId: $prehookId, first: 20) {
      ...RunFields
    }
  }
`);
