import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const FIELDS = 'id name event code enabled position timeoutMs failurePolicy';
const CODE = 'export default async function (event) { return { metadata: { seen: true } }; }';
const create = (input: Record<string, unknown>) =>
  server.gql(`mutation($input: CreatePrehookInput!) { createPrehook(input: $input) { ${FIELDS} } }`, { input });

describe('prehooks (stored; execution is the sandbox feature)', () => {
  it('creates prehooks with defaults and appends them in run order per event', async () => {
    const first = ok(await create({ name: 'tag', event: 'beforeUserCreate', code: CODE })).createPrehook;
    expect(first).toMatchObject({ name: 'tag', event: 'beforeUserCreate', code: CODE, enabled: true, position: 0, timeoutMs: 1000, failurePolicy: 'DENY' });
    const second = ok(await create({ name: 'tag 2', event: 'beforeUserCreate', code: CODE, failurePolicy: 'CONTINUE', timeoutMs: 250 })).createPrehook;
    expect(second).toMatchObject({ position: 1, failurePolicy: 'CONTINUE', timeoutMs: 250 });
    const other = ok(await create({ name: 'claims', event: 'beforeTokenIssue', code: CODE })).createPrehook;
    expect(other.position).toBe(0);
    const { prehooks } = ok(await server.gql('{ prehooks { name event position } }'));
    expect(prehooks).toHaveLength(3);
    expect(prehooks.filter((p: { event: string }) => p.event === 'beforeUserCreate').map((p: { name: string }) => p.name)).toEqual(['tag', 'tag 2']);
  });

  it('updates and deletes a prehook', async () => {
    const { id } = ok(await create({ name: 'temp', event: 'beforeSignIn', code: CODE })).createPrehook;
    const { updatePrehook } = ok(
      await server.gql(`mutation { updatePrehook(id: "${id}", input: { enabled: false, name: "renamed", timeoutMs: 50 }) { ${FIELDS} } }`),
    );
    expect(updatePrehook).toMatchObject({ enabled: false, name: 'renamed', timeoutMs: 50, event: 'beforeSignIn' });
    expect(ok(await server.gql(`mutation { deletePrehook(id: "${id}") }`)).deletePrehook).toBe(true);
    expect((await server.gql(`mutation { deletePrehook(id: "${id}") }`)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('names the wrong field', async () => {
    expect((await create({ name: 'x', event: 'beforeSignIn', code: CODE, timeoutMs: 0 })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.timeoutMs',
    });
    expect((await create({ name: 'x', event: 'beforeSignIn', code: CODE, timeoutMs: 60_000 })).errors?.[0]?.extensions).toMatchObject({
      field: 'input.timeoutMs',
    });
    expect((await create({ name: '', event: 'beforeSignIn', code: CODE })).errors?.[0]?.extensions).toMatchObject({ field: 'input.name' });
    expect((await create({ name: 'x', event: 'onWhatever', code: CODE })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await create({ name: 'x', event: 'beforeSignIn', code: 'function f() {}' })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.code',
    });
  });

  it('compiles the code at save time: a syntax error names its line', async () => {
    const broken = await create({ name: 'x', event: 'beforeSignIn', code: 'export default async function (event) {\n  return {\n}}}' });
    expect(broken.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.code' });
    expect(broken.errors?.[0]?.message).toMatch(/syntax error \(line 3\)/);
    const noDefault = await create({ name: 'x', event: 'beforeSignIn', code: 'export function handler() {}' });
    expect(noDefault.errors?.[0]?.message).toMatch(/must export a default function/);
  });
});
