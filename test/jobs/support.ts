import { expect } from 'vitest';
import type { DirectoryPeer } from '../fixtures/directory-peer.js';
import { ok, type TestServer } from '../support/server.js';

/** What the helpers need of a server: its GraphQL endpoint (an in-process test server, or a server process). */
export type Api = Pick<TestServer, 'gql'>;

export const JOB_FIELDS = `id kind status dryRun error pool { id } report createdAt startedAt finishedAt
  progress { seen created updated unchanged disabled deleted conflicts failed }`;

export async function createDirectoryPool(server: Api, peer: DirectoryPeer, name: string, settings: Record<string, unknown> = {}): Promise<string> {
  const data = ok(
    await server.gql(`mutation ($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }`, {
      input: { name, type: 'EXTERNAL', source: 'legacy-directory', config: peer.config(), settings },
    }),
  );
  return data.createUserPool.id;
}

export async function startJob(server: Api, kind: 'importUsers' | 'syncUsers', poolId: string, dryRun = false): Promise<any> {
  return ok(await server.gql(`mutation ($input: PoolJobInput!) { ${kind}(input: $input) { ${JOB_FIELDS} } }`, { input: { poolId, dryRun } }))[kind];
}

export async function job(server: Api, id: string): Promise<any> {
  return ok(await server.gql(`query ($id: ID!) { poolJob(id: $id) { ${JOB_FIELDS} } }`, { id })).poolJob;
}

/** Waits until the job is over (succeeded, failed or cancelled) and returns it. */
export async function finished(server: Api, id: string, timeout = 30_000): Promise<any> {
  let last: any;
  await expect
    .poll(
      async () => {
        last = await job(server, id);
        return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(last.status);
      },
      { timeout, interval: 200 },
    )
    .toBe(true);
  return last;
}

export async function run(server: Api, kind: 'importUsers' | 'syncUsers', poolId: string, dryRun = false): Promise<any> {
  const started = await startJob(server, kind, poolId, dryRun);
  const done = await finished(server, started.id);
  expect(done.status, JSON.stringify(done.error)).toBe('SUCCEEDED');
  return done;
}

export function addPeerUsers(peer: DirectoryPeer, count: number, prefix: string, extra: Record<string, unknown> = {}): void {
  for (let i = 0; i < count; i++) peer.addUser({ email: `${prefix}${i}@source.test`, password: `pw-${i}-long-enough`, name: `User ${i}`, ...extra });
}
