import { expect } from 'vitest';
import { QUEUES } from '@tributary/core';
import { ok, type TestServer } from '../support/server.js';

/** What the write-back tests read of a user over the admin API. */
export const USER = `id email externalId status profile tenant { id } writeBack { pending lastError blocked }`;

export interface WriteBackApi {
  user(id: string): Promise<any>;
  create(poolId: string, email: string, extra?: Record<string, unknown>): Promise<any>;
  update(id: string, input: Record<string, unknown>): Promise<any>;
  remove(id: string): Promise<void>;
  /** Waits until nothing of the user waits for the source, and returns the user. */
  delivered(id: string, timeout?: number): Promise<any>;
  /** Waits until the user's oldest change is held as refused by the source. */
  refused(id: string, error: RegExp): Promise<any>;
  /** The minute tick, now: hands users with pending changes to the delivery queue. */
  tick(): Promise<void>;
  /** A delivery whose acknowledgement was lost (the node died after the source answered): the row is undelivered again, and sent again. */
  redeliver(userId: string, action: string): Promise<void>;
  retry(userId: string): Promise<any>;
  discard(userId: string): Promise<any>;
}

export function writeBackApi(server: TestServer): WriteBackApi {
  const api: WriteBackApi = {
    async user(id) {
      return ok(await server.gql(`query ($id: ID!) { user(id: $id) { ${USER} } }`, { id })).user;
    },
    async create(poolId, email, extra = {}) {
      return ok(
        await server.gql(`mutation ($input: CreateUserInput!) { createUser(input: $input) { ${USER} } }`, {
          input: { poolId, email, password: 'Wr1te-back-passw0rd!', ...extra },
        }),
      ).createUser;
    },
    async update(id, input) {
      return ok(await server.gql(`mutation ($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { ${USER} } }`, { id, input })).updateUser;
    },
    async remove(id) {
      ok(await server.gql(`mutation ($id: ID!) { deleteUser(id: $id) }`, { id }));
    },
    async delivered(id, timeout = 45_000) {
      const pending = async () =>
        (await server.sql<any>(`select count(*)::int as n from write_back_outbox where user_id = ? and delivered_at is null`, [id]))[0].n;
      await expect.poll(pending, { timeout, interval: 250 }).toBe(0);
      return api.user(id);
    },
    async refused(id, error) {
      await expect
        .poll(async () => (await api.user(id)).writeBack, { timeout: 45_000, interval: 250 })
        .toEqual({ pending: true, blocked: true, lastError: expect.stringMatching(error) });
      return api.user(id);
    },
    async tick() {
      await server.app.deps.jobs.boss.send(QUEUES.tick, {});
    },
    async redeliver(userId, action) {
      const rows = await server.sql<any>(
        `update write_back_outbox set delivered_at = null
         where id = (select id from write_back_outbox where user_id = ? and action = ? order by seq desc limit 1) returning id`,
        [userId, action],
      );
      expect(rows.length).toBe(1);
      await api.tick();
    },
    async retry(userId) {
      return ok(await server.gql(`mutation ($userId: ID!) { retryWriteBack(userId: $userId) { ${USER} } }`, { userId })).retryWriteBack;
    },
    async discard(userId) {
      return ok(await server.gql(`mutation ($userId: ID!) { discardWriteBack(userId: $userId) { ${USER} } }`, { userId })).discardWriteBack;
    },
  };
  return api;
}
