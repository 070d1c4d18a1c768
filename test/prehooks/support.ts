import { ok, type TestServer } from '../support/server.js';

export const RUN_FIELDS = 'id prehookId event ok result error errorKind errorLine durationMs log logTruncated test createdAt';

export interface PrehookInput {
  name?: string;
  event: string;
  code: string;
  position?: number;
  timeoutMs?: number;
  failurePolicy?: 'DENY' | 'CONTINUE';
  enabled?: boolean;
}

let named = 0;

export async function createPrehook(server: TestServer, input: PrehookInput): Promise<string> {
  const mutation = 'mutation($input: CreatePrehookInput!) { createPrehook(input: $input) { id } }';
  return ok(await server.gql(mutation, { input: { name: `prehook ${++named}`, ...input } })).createPrehook.id;
}

export async function updatePrehook(server: TestServer, id: string, input: Record<string, unknown>): Promise<void> {
  ok(await server.gql('mutation($id: ID!, $input: UpdatePrehookInput!) { updatePrehook(id: $id, input: $input) { id } }', { id, input }));
}

export async function deleteAllPrehooks(server: TestServer): Promise<void> {
  const { prehooks } = ok(await server.gql('{ prehooks { id } }'));
  for (const { id } of prehooks as { id: string }[]) ok(await server.gql('mutation($id: ID!) { deletePrehook(id: $id) }', { id }));
}

export async function testPrehook(server: TestServer, id: string, payload: Record<string, unknown>): Promise<Record<string, any>> {
  return ok(await server.gql(`mutation($id: ID!, $payload: JSONObject!) { testPrehook(id: $id, payload: $payload) { ${RUN_FIELDS} } }`, { id, payload }))
    .testPrehook;
}

export async function runsOf(server: TestServer, id: string, first = 20): Promise<Record<string, any>[]> {
  return ok(await server.gql(`query($id: ID!, $first: Int!) { prehookRuns(prehookId: $id, first: $first) { ${RUN_FIELDS} } }`, { id, first })).prehookRuns;
}

export async function createUser(server: TestServer, email: string, password = 'local-pass-1', extra: Record<string, unknown> = {}): Promise<string> {
  const mutation = 'mutation($input: CreateUserInput!) { createUser(input: $input) { id } }';
  return ok(await server.gql(mutation, { input: { email, password, ...extra } })).createUser.id;
}

/**
 * Whether GET /healthz answers twice in a row before `sentinel` settles: an ordering, not a latency
 * bound. The server runs in this process, so had a script held its event loop, the sentinel's timer
 * (already due) would fire before the loop could read the health answer.
 */
export async function healthAnswersBefore(server: TestServer, sentinel: Promise<unknown>): Promise<boolean> {
  const health = async () => {
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${server.url}/healthz`);
      if (response.status !== 200) throw new Error(`healthz answered ${response.status}`);
    }
    return true;
  };
  return Promise.race([health(), sentinel.then(() => false)]);
}
