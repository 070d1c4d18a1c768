import { describe, expect, it } from 'vitest';
import { applyChange, mergePatch, parseResult, RESERVED_CLAIMS, type Payload, type UserSnapshot } from './events.js';

const user = (overrides: Partial<UserSnapshot> = {}): UserSnapshot => ({
  id: null,
  email: 'ada@example.test',
  status: 'ACTIVE',
  tenantId: null,
  roles: [],
  profile: {},
  metadata: {},
  pool: null,
  migratedFrom: null,
  ...overrides,
});

describe('parseResult', () => {
  it('takes nothing as no change, for every event', () => {
    expect(parseResult('beforeSignIn', undefined)).toEqual({ ok: true, change: {} });
    expect(parseResult('beforeUserCreate', null)).toEqual({ ok: true, change: {} });
    expect(parseResult('beforeTokenIssue', {})).toEqual({ ok: true, change: {} });
  });

  it('takes each event’s own keys', () => {
    expect(parseResult('beforeUserCreate', { profile: { a: 1 }, metadata: { b: 2 }, tenantId: 'acme' })).toEqual({
      ok: true,
      change: { profile: { a: 1 }, metadata: { b: 2 }, tenantId: 'acme' },
    });
    expect(parseResult('beforeUserCreate', { tenantId: null })).toEqual({ ok: true, change: { tenantId: null } });
    expect(parseResult('afterAuthentication', { metadata: { seen: true } })).toEqual({ ok: true, change: { metadata: { seen: true } } });
    expect(parseResult('beforeTokenIssue', { claims: { plan: 'pro', 'org:id': 'o1' } })).toEqual({
      ok: true,
      change: { claims: { plan: 'pro', 'org:id': 'o1' } },
    });
  });

  it('refuses a key the event does not take, naming the event', () => {
    const signIn = parseResult('beforeSignIn', { metadata: { a: 1 } });
    expect(signIn.ok).toBe(false);
    expect(!signIn.ok && signIn.message).toMatch(/^invalid result for beforeSignIn: .*metadata/);
    const after = parseResult('afterAuthentication', { profile: { a: 1 } });
    expect(!after.ok && after.message).toMatch(/^invalid result for afterAuthentication: .*profile/);
    const token = parseResult('beforeTokenIssue', { tenantId: 'acme' });
    expect(!token.ok && token.message).toMatch(/^invalid result for beforeTokenIssue: .*tenantId/);
  });

  it('refuses a result that is not an object, a value of the wrong type or a bad claim name, with its path', () => {
    expect(parseResult('beforeSignIn', 'deny')).toMatchObject({ ok: false, message: expect.stringMatching(/^invalid result for beforeSignIn: /) });
    expect(parseResult('beforeUserCreate', { profile: [1, 2] })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^invalid result for beforeUserCreate at profile: /),
    });
    expect(parseResult('beforeUserCreate', { tenantId: '' })).toMatchObject({ ok: false, message: expect.stringMatching(/ at tenantId: /) });
    expect(parseResult('beforeTokenIssue', { claims: { plan: 'pro', 'https://x.test/org': 'o1' } })).toEqual({
      ok: false,
      message: expect.stringMatching(/^invalid result for beforeTokenIssue at claims\.https:\/\/x\.test\/org: /),
    });
  });

  it('refuses a change object larger than 16 KiB of JSON', () => {
    expect(parseResult('afterAuthentication', { metadata: { blob: 'x'.repeat(16 * 1024) } })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/at metadata: must be at most 16384 characters of JSON/),
    });
    expect(parseResult('afterAuthentication', { metadata: { blob: 'x'.repeat(16 * 1024 - 20) } }).ok).toBe(true);
  });

  it('takes a deny with a reason on every sequential event, trimmed, and refuses an empty one', () => {
    for (const event of ['beforeUserCreate', 'beforeSignIn', 'afterAuthentication', 'beforeTokenIssue'] as const) {
      expect(parseResult(event, { deny: '  not today ' })).toEqual({ ok: true, change: { deny: 'not today' } });
      expect(parseResult(event, { deny: '   ' })).toMatchObject({ ok: false, message: expect.stringMatching(/at deny: deny needs a reason/) });
    }
    expect(parseResult('beforeSignIn', { deny: 'x'.repeat(1001) }).ok).toBe(false);
  });

  it('ignores whatever a parallel event returns, even a deny', () => {
    expect(parseResult('userMigrated', { deny: 'no', anything: [1] })).toEqual({ ok: true, change: {} });
    expect(parseResult('userMigrated', 'garbage')).toEqual({ ok: true, change: {} });
  });
});

describe('mergePatch', () => {
  it('merges objects key by key, replaces anything else, removes a key on null', () => {
    const target = { name: 'Ada', address: { city: 'London', zip: 'N1' }, tags: ['a'], gone: 1 };
    const merged = mergePatch(target, { address: { zip: null, street: 'Main' }, tags: ['b'], gone: null, added: { deep: { x: 1 } } });
    expect(merged).toEqual({ name: 'Ada', address: { city: 'London', street: 'Main' }, tags: ['b'], added: { deep: { x: 1 } } });
    expect(target).toEqual({ name: 'Ada', address: { city: 'London', zip: 'N1' }, tags: ['a'], gone: 1 });
  });

  it('replaces a non-object with an object, and removing a missing key is no change', () => {
    expect(mergePatch({ a: 'text' }, { a: { b: 1 }, missing: null })).toEqual({ a: { b: 1 } });
  });

  it('keeps "__proto__" a plain key and never changes a prototype', () => {
    const patch = JSON.parse('{"__proto__": {"admin": true}, "nested": {"__proto__": {"admin": true}}}') as Record<string, unknown>;
    const merged = mergePatch({ nested: {} }, patch);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(merged.nested)).toBe(Object.prototype);
    expect((merged as { admin?: unknown }).admin).toBeUndefined();
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
    expect(Object.hasOwn(merged, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(merged))).toEqual(patch);
  });

  it('does not merge into an inherited property', () => {
    const merged = mergePatch({}, { toString: { a: 1 } });
    expect(merged.toString).toEqual({ a: 1 });
  });
});

describe('applyChange', () => {
  it('merges profile and metadata and sets the tenant of the user the next prehook sees', () => {
    const payload: Payload<'beforeUserCreate'> = {
      event: 'beforeUserCreate',
      email: 'ada@example.test',
      user: user({ profile: { name: 'Ada', age: 36 }, metadata: { a: 1 }, tenantId: 'old' }),
      pool: null,
      trigger: 'sign-in',
    };
    expect(applyChange(payload, { profile: { age: null, title: 'Countess' }, metadata: { b: 2 }, tenantId: null })).toEqual([]);
    expect(payload.user).toMatchObject({ profile: { name: 'Ada', title: 'Countess' }, metadata: { a: 1, b: 2 }, tenantId: null });
  });

  it('leaves the tenant alone when the change does not name one', () => {
    const payload: Payload<'afterAuthentication'> = {
      event: 'afterAuthentication',
      email: 'a@b.test',
      user: user({ tenantId: 'acme' }),
      pool: null,
      firstSignIn: false,
    };
    applyChange(payload, { metadata: { seen: true } });
    expect(payload.user.tenantId).toBe('acme');
  });

  it('is no change for a payload without a user', () => {
    const payload: Payload<'beforeSignIn'> = { event: 'beforeSignIn', email: 'nobody@example.test', user: null };
    expect(applyChange(payload, { profile: { a: 1 }, tenantId: 'acme' })).toEqual([]);
    expect(payload).toEqual({ event: 'beforeSignIn', email: 'nobody@example.test', user: null });
  });

  it('merges claims but drops every reserved claim, and says which in a note', () => {
    const payload: Payload<'beforeTokenIssue'> = {
      event: 'beforeTokenIssue',
      email: 'ada@example.test',
      user: user({ id: 'u1' }),
      pool: null,
      claims: { plan: 'free', old: true },
    };
    const notes = applyChange(payload, { claims: { plan: 'pro', old: null, sub: 'someone-else', roles: ['admin'], tenant_id: 'other', org: 'o1' } });
    expect(payload.claims).toEqual({ plan: 'pro', org: 'o1' });
    expect(notes).toEqual(['reserved claims ignored: sub, roles, tenant_id']);
  });

  it('drops every reserved claim the service sets itself', () => {
    const payload: Payload<'beforeTokenIssue'> = { event: 'beforeTokenIssue', email: 'a@b.test', user: user(), pool: null, claims: {} };
    const all = Object.fromEntries([...RESERVED_CLAIMS].map((name) => [name, 'forged']));
    expect(applyChange(payload, { claims: { ...all, ok: 1 } })).toEqual([`reserved claims ignored: ${[...RESERVED_CLAIMS].join(', ')}`]);
    expect(payload.claims).toEqual({ ok: 1 });
    expect([...RESERVED_CLAIMS].sort()).toEqual([
      'amr',
      'aud',
      'auth_time',
      'email',
      'exp',
      'iat',
      'iss',
      'jti',
      'nbf',
      'pool',
      'roles',
      'sid',
      'sub',
      'tenant_id',
    ]);
  });
});
