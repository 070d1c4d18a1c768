import { describe, expect, it } from 'vitest';
import { PREHOOK_CACHE_TTL_MS, PrehookCache, type ActivePrehook } from './prehook-cache.js';

const hook = (id: string, overrides: Partial<ActivePrehook> = {}): ActivePrehook => ({
  id,
  name: id,
  event: 'beforeSignIn',
  code: 'export default () => {}',
  position: 0,
  timeoutMs: 1000,
  failurePolicy: 'DENY',
  ...overrides,
});

/** A loader whose every call waits until the test answers it, in any order it likes. */
function controlledLoader() {
  const calls: { resolve: (rows: ActivePrehook[]) => void; reject: (error: Error) => void }[] = [];
  const load = () => new Promise<ActivePrehook[]>((resolve, reject) => calls.push({ resolve, reject }));
  return { load, calls };
}

const ids = (list: readonly ActivePrehook[]) => list.map((prehook) => prehook.id);

describe('PrehookCache', () => {
  it('groups the rows by event in position order, ties by id', async () => {
    const rows = [hook('c', { position: 2 }), hook('b', { position: 1 }), hook('a', { position: 1 }), hook('t', { event: 'beforeTokenIssue', position: 0 })];
    const cache = new PrehookCache(async () => rows);
    expect(ids(await cache.forEvent('beforeSignIn'))).toEqual(['a', 'b', 'c']);
    expect(ids(await cache.forEvent('beforeTokenIssue'))).toEqual(['t']);
    expect(await cache.forEvent('userMigrated')).toEqual([]);
  });

  it('reads again only once the TTL has passed on its clock', async () => {
    let now = 1_000;
    let loads = 0;
    const cache = new PrehookCache(
      async () => [hook(`v${++loads}`)],
      PREHOOK_CACHE_TTL_MS,
      () => now,
    );
    expect(ids(await cache.forEvent('beforeSignIn'))).toEqual(['v1']);
    now += PREHOOK_CACHE_TTL_MS;
    expect(ids(await cache.forEvent('beforeSignIn'))).toEqual(['v1']);
    now += 1;
    expect(ids(await cache.forEvent('beforeSignIn'))).toEqual(['v2']);
    expect(loads).toBe(2);
  });

  it('reads again at once after invalidate', async () => {
    let loads = 0;
    const cache = new PrehookCache(
      async () => [hook(`v${++loads}`)],
      PREHOOK_CACHE_TTL_MS,
      () => 0,
    );
    await cache.forEvent('beforeSignIn');
    cache.invalidate();
    expect(ids(await cache.forEvent('beforeSignIn'))).toEqual(['v2']);
  });

  it('shares one load among the callers that arrive while it runs', async () => {
    const { load, calls } = controlledLoader();
    const cache = new PrehookCache(load, PREHOOK_CACHE_TTL_MS, () => 0);
    const first = cache.forEvent('beforeSignIn');
    const second = cache.forEvent('beforeSignIn');
    const third = cache.forEvent('beforeTokenIssue');
    expect(calls).toHaveLength(1);
    calls[0]!.resolve([hook('a'), hook('t', { event: 'beforeTokenIssue' })]);
    expect(ids(await first)).toEqual(['a']);
    expect(ids(await second)).toEqual(['a']);
    expect(ids(await third)).toEqual(['t']);
    await cache.forEvent('beforeSignIn');
    expect(calls).toHaveLength(1);
  });

  it('does not take a load that started before an invalidate as fresh', async () => {
    const { load, calls } = controlledLoader();
    const cache = new PrehookCache(load, PREHOOK_CACHE_TTL_MS, () => 0);
    const before = cache.forEvent('beforeSignIn');
    cache.invalidate();
    // A caller after the edit does not join the load that may have read the old rows.
    const after = cache.forEvent('beforeSignIn');
    expect(calls).toHaveLength(2);
    calls[0]!.resolve([hook('old')]);
    expect(ids(await before)).toEqual(['old']);
    calls[1]!.resolve([hook('new')]);
    expect(ids(await after)).toEqual(['new']);
    // The new load is fresh: no third read within the TTL.
    expect(ids(await cache.forEvent('beforeSignIn'))).toEqual(['new']);
    expect(calls).toHaveLength(2);
  });

  it('reads again when the only load in flight at an invalidate ends', async () => {
    const { load, calls } = controlledLoader();
    const cache = new PrehookCache(load, PREHOOK_CACHE_TTL_MS, () => 0);
    const before = cache.forEvent('beforeSignIn');
    cache.invalidate();
    calls[0]!.resolve([hook('old')]);
    expect(ids(await before)).toEqual(['old']);
    const next = cache.forEvent('beforeSignIn');
    expect(calls).toHaveLength(2);
    calls[1]!.resolve([hook('new')]);
    expect(ids(await next)).toEqual(['new']);
  });

  it('keeps the newest generation when loads finish out of order', async () => {
    const { load, calls } = controlledLoader();
    const cache = new PrehookCache(load, PREHOOK_CACHE_TTL_MS, () => 0);
    const older = cache.forEvent('beforeSignIn');
    cache.invalidate();
    const newer = cache.forEvent('beforeSignIn');
    calls[1]!.resolve([hook('new')]);
    expect(ids(await newer)).toEqual(['new']);
    calls[0]!.resolve([hook('old')]);
    await older;
    expect(ids(await cache.forEvent('beforeSignIn'))).toEqual(['new']);
    expect(calls).toHaveLength(2);
  });

  it('lets a failed load fail its callers and tries again on the next call', async () => {
    const { load, calls } = controlledLoader();
    const cache = new PrehookCache(load, PREHOOK_CACHE_TTL_MS, () => 0);
    const failing = cache.forEvent('beforeSignIn');
    calls[0]!.reject(new Error('database down'));
    await expect(failing).rejects.toThrow('database down');
    const retried = cache.forEvent('beforeSignIn');
    expect(calls).toHaveLength(2);
    calls[1]!.resolve([hook('a')]);
    expect(ids(await retried)).toEqual(['a']);
  });
});
