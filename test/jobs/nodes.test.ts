import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { connectClient, createDatabase } from '../support/databases.js';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/server.js';
import { addPeerUsers, createDirectoryPool, finished, startJob, type Api } from './support.js';

interface Child {
  process: ChildProcess;
  url: string;
}

/** A real server process on `databaseUrl`: killed with SIGKILL, it gets no chance to clean anything up. */
async function startServerChild(env: Record<string, string>): Promise<Child> {
  const child = fork(new URL('./server-child.ts', import.meta.url).pathname, [], {
    execArgv: ['--no-node-snapshot', '--import', new URL('../../scripts/threadpool.mjs', import.meta.url).href, '--import', 'tsx'],
    env: { ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', ...env },
  });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`the server process exited (${code}) before it was ready`))),
  ])) as [{ type: string; url: string }];
  return { process: child, url: message.url };
}

/** The GraphQL endpoint of a server process, with the admin key. */
function asTestServer(child: Child, adminKey: string): Api {
  return {
    async gql(query, variables) {
      const response = await fetch(`${child.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status'>;
      return { status: response.status, data: (body.data ?? null) as never, errors: body.errors };
    },
  };
}

describe('kill -9 of the node running an import', () => {
  let peer: DirectoryPeer;
  let database: { url: string; drop: () => Promise<void> };
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    peer = await startDirectoryPeer();
    database = await createDatabase(inject('pgAdminUrl'));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await peer.close();
    await database.drop();
  });

  it('resumes at the last checkpoint on a restarted node: every user once, none lost, none duplicated', { timeout: 180_000 }, async () => {
    const adminKey = `trb_admin_${randomBytes(32).toString('base64url')}`;
    const env = {
      DATABASE_URL: database.url,
      TRIBUTARY_SECRET_KEY: randomBytes(32).toString('base64'),
      TRIBUTARY_BOOTSTRAP_ADMIN_KEY: adminKey,
      TRIBUTARY_PURGE_INTERVAL_MINUTES: '0',
    };
    const total = 2000;
    addPeerUsers(peer, total, 'resume');
    // 20 pages, each answered after 150 ms: the kill lands mid-import.
    await peer.setMode('slow', { delayMs: 150 });

    const first = await startServerChild(env);
    children.push(first.process);
    const api = asTestServer(first, adminKey);
    const poolId = await createDirectoryPool(api, peer, 'directory');
    const started = await startJob(api, 'importUsers', poolId);

    const db = await connectClient(database.url);
    try {
      const created = async () => Number((await db.query(`select count(*) as n from users where pool_id = $1`, [poolId])).rows[0].n);
      await expect.poll(created, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(300);
      first.process.kill('SIGKILL');
      await once(first.process, 'exit');
      const atKill = await created();
      expect(atKill).toBeLessThan(total);
      const [stuck] = (await db.query(`select status, attempt from pool_jobs where id = $1`, [started.id])).rows;
      expect(stuck).toEqual({ status: 'RUNNING', attempt: 1 });

      const second = await startServerChild(env);
      children.push(second.process);
      const done = await finished(asTestServer(second, adminKey), started.id, 150_000);
      expect(done.status).toBe('SUCCEEDED');
      // The counters were committed with the batches: the page lost in the kill is counted once, when it was read again.
      expect(done.progress).toMatchObject({ seen: total, created: total, conflicts: 0, failed: 0 });

      const [counts] = (
        await db.query(
          `select count(*)::int as users, count(distinct external_id)::int as external_ids, count(distinct email)::int as emails from users where pool_id = $1`,
          [poolId],
        )
      ).rows;
      expect(counts).toEqual({ users: total, external_ids: total, emails: total });
      const emails = new Set((await db.query(`select email from users where pool_id = $1`, [poolId])).rows.map((row) => row.email));
      for (let i = 0; i < total; i++) expect(emails.has(`resume${i}@source.test`)).toBe(true);
      const [row] = (await db.query(`select attempt from pool_jobs where id = $1`, [started.id])).rows;
      expect(row.attempt).toBeGreaterThanOrEqual(2);
      second.process.send({ type: 'close' });
      await once(second.process, 'exit');
    } finally {
      await db.end();
    }
  });
});

describe('two nodes on one database', () => {
  let one: TestServer;
  let two: TestServer;
  const peers: DirectoryPeer[] = [];
  beforeAll(async () => {
    one = await startTestServer({ sources: [directorySource], env: { TRIBUTARY_PURGE_INTERVAL_MINUTES: '0' } });
    two = await startTestServer({ sources: [directorySource], sameDatabaseAs: one, env: { TRIBUTARY_PURGE_INTERVAL_MINUTES: '0' } });
  });
  afterAll(async () => {
    await two.close();
    await one.close();
    for (const peer of peers) await peer.close();
  });

  it('never run the same job twice: each job is claimed once and reads each source page once', { timeout: 120_000 }, async () => {
    const jobs: { id: string; poolId: string; peer: DirectoryPeer }[] = [];
    for (let i = 0; i < 6; i++) {
      const peer = await startDirectoryPeer();
      peers.push(peer);
      addPeerUsers(peer, 250, `node${i}-`);
      await peer.setMode('slow', { delayMs: 50 });
      // Half the jobs are asked of each node; either node may run any of them.
      const node = i % 2 ? two : one;
      const poolId = await createDirectoryPool(node, peer, `directory ${i}`);
      jobs.push({ id: (await startJob(node, 'importUsers', poolId)).id, poolId, peer });
    }
    for (const job of jobs) {
      const done = await finished(job.peer === peers[0] ? two : one, job.id, 90_000);
      expect(done.progress).toMatchObject({ seen: 250, created: 250, unchanged: 0 });
      // 3 pages of 100: asked for exactly once each.
      expect(job.peer.listCalls).toBe(3);
    }
    const attempts = await one.sql<{ attempt: number }>(`select attempt from pool_jobs`);
    expect(attempts.map((row) => row.attempt)).toEqual(jobs.map(() => 1));
    expect((await one.sql<{ n: number }>(`select count(*)::int as n from users`))[0]!.n).toBe(6 * 250);
  });
});
