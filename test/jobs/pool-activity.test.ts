import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDirectoryPeer, type DirectoryPeer } from '../fixtures/directory-peer.js';
import { directorySource } from '../fixtures/directory-source.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { poolsOf, signIn } from '../support/sign-in.js';

let server: TestServer;
let migrating: DirectoryPeer;
let syncing: DirectoryPeer;
let pools: ReturnType<typeof poolsOf>;

beforeAll(async () => {
  server = await startTestServer({ sources: [directorySource] });
  pools = poolsOf(server, directorySource.key);
  [migrating, syncing] = await Promise.all([startDirectoryPeer(), startDirectoryPeer()]);
});
afterAll(async () => {
  await Promise.all([migrating.close(), syncing.close()]);
  await server.close();
});

const utcDay = (daysAgo: number): string => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

describe('UserPool.activity', () => {
  it('counts successful sign-ins and migrations per UTC day, every day listed, for each pool of one answer apart', async () => {
    const jit = await pools.create(migrating.config(), { jitMigration: true });
    const synced = await pools.create(syncing.config(), { syncUserAttributes: true });
    migrating.addUser({ email: 'a@activity.test', password: 'activity-pass-1' });
    migrating.addUser({ email: 'b@activity.test', password: 'activity-pass-2' });
    syncing.addUser({ email: 'c@activity.test', password: 'activity-pass-3' });

    expect((await signIn(server, 'a@activity.test', 'activity-pass-1')).status).toBe(200);
    expect((await signIn(server, 'b@activity.test', 'activity-pass-2')).status).toBe(200);
    // A migrated user's next sign-in is local: not the pool's.
    expect((await signIn(server, 'a@activity.test', 'activity-pass-1')).status).toBe(200);
    expect((await signIn(server, 'c@activity.test', 'activity-pass-3')).status).toBe(200);
    expect((await signIn(server, 'c@activity.test', 'activity-pass-3')).status).toBe(200);
    // A wrong password is no sign-in.
    expect((await signIn(server, 'c@activity.test', 'wrong-password')).status).toBe(401);
    // An older sign-in and migration land on their own day.
    await server.sql(`update users set migrated_at = now() - interval '3 days' where email = 'b@activity.test'`);
    await server.sql(
      `insert into audit_events (id, actor, action, target, outcome, details, created_at)
       values (gen_random_uuid(), 'anonymous', 'sign-in', 'old@activity.test', 'ok', ?::jsonb, now() - interval '3 days'),
              (gen_random_uuid(), 'anonymous', 'sign-in', 'old@activity.test', 'ok', ?::jsonb, now() - interval '40 days')`,
      [JSON.stringify({ pool: jit }), JSON.stringify({ pool: jit })],
    );

    const answer = ok(await server.gql(`{ userPools { id activity { day signIns migrated } } }`)).userPools;
    const byId = new Map(answer.map((pool: any) => [pool.id, pool.activity]));
    const jitDays = byId.get(jit) as any[];
    const syncedDays = byId.get(synced) as any[];
    for (const days of [jitDays, syncedDays]) {
      expect(days).toHaveLength(30);
      expect(days.map((day) => day.day)).toEqual(Array.from({ length: 30 }, (_, i) => utcDay(29 - i)));
    }
    const nonZero = (days: any[]) => days.filter((day) => day.signIns || day.migrated);
    expect(nonZero(jitDays)).toEqual([
      { day: utcDay(3), signIns: 1, migrated: 1 },
      { day: utcDay(0), signIns: 2, migrated: 1 },
    ]);
    expect(nonZero(syncedDays)).toEqual([{ day: utcDay(0), signIns: 2, migrated: 0 }]);

    const week = ok(await server.gql(`query ($id: ID!) { userPool(id: $id) { activity(days: 7) { day signIns migrated } } }`, { id: jit })).userPool.activity;
    expect(week).toHaveLength(7);
    expect(week[6]).toEqual({ day: utcDay(0), signIns: 2, migrated: 1 });
    const year = ok(await server.gql(`query ($id: ID!) { userPool(id: $id) { activity(days: 366) { signIns } } }`, { id: jit })).userPool.activity;
    expect(year).toHaveLength(366);
    expect(year.reduce((sum: number, day: any) => sum + day.signIns, 0)).toBe(4);
  });

  it('refuses a window outside 1..366 days, naming the argument', async () => {
    const id = await pools.create(migrating.config());
    for (const days of [0, -1, 367]) {
      const bad = await server.gql(`query ($id: ID!) { userPool(id: $id) { activity(days: ${days}) { day } } }`, { id });
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
    }
  });
});
