import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonArrayElements, JsonFileError, type JsonElement } from './json-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-json-'));
let files = 0;
const file = (content: string | Buffer) => {
  const path = join(dir, `f${++files}.json`);
  writeFileSync(path, content);
  return path;
};
const all = async (path: string, key?: string): Promise<JsonElement[]> => {
  const out: JsonElement[] = [];
  for await (const element of jsonArrayElements(path, key)) out.push(element);
  return out;
};

// Strings that a splitter without string and escape state would cut in the wrong place.
const tricky = (i: number) => ({
  email: `u${i}@x.test`,
  note: `a "quoted" }], {[ brace\\ and \\"escaped\\" ${'é'.repeat(i % 7)} \u2028 line`,
  nested: { list: [1, { deep: ['}', ']', ','] }], empty: {} },
  n: i,
});

describe('jsonArrayElements', () => {
  it('splits a top-level array larger than its read buffer, elements crossing buffer boundaries, each parsed as JSON.parse would', async () => {
    const users = Array.from({ length: 20_000 }, (_, i) => tricky(i));
    const text = JSON.stringify(users, null, 2);
    expect(text.length).toBeGreaterThan(3 * 2 ** 20);
    const elements = await all(file(text));
    expect(elements).toHaveLength(users.length);
    expect(elements.map((element) => element.value)).toEqual(users);
    expect(elements.at(-1)!.index).toBe(users.length - 1);
  });

  it('reads newline-delimited objects (Auth0 users-export), a BOM, and Firebase’s {"users": [...]} under its key', async () => {
    const users = Array.from({ length: 3000 }, (_, i) => tricky(i));
    const lines = await all(file(`\ufeff${users.map((user) => JSON.stringify(user)).join('\n')}`));
    expect(lines.map((element) => element.value)).toEqual(users);
    const firebase = await all(file(JSON.stringify({ kind: 'x', before: [{ not: 'these' }], users, after: { users: [1] } })), 'users');
    expect(firebase.map((element) => element.value)).toEqual(users);
  });

  it('names an element that is not valid JSON and goes on with the next', async () => {
    const elements = await all(file('[{"a": 1}, {"b": }, 7, {"c": "}"}]'));
    expect(elements.map(({ value, invalid }) => (invalid ? 'invalid' : value))).toEqual([{ a: 1 }, 'invalid', 7, { c: '}' }]);
    expect(elements[1]!.index).toBe(1);
  });

  it('finds an invalid element among thousands parsed together, and keeps the element that crosses the buffer after it', async () => {
    const users = Array.from({ length: 20_000 }, (_, i) => tricky(i));
    const parts = users.map((user) => JSON.stringify(user));
    parts[7000] = '{"broken": tru}';
    const elements = await all(file(`[${parts.join(',')}]`));
    expect(elements).toHaveLength(users.length);
    expect(elements.filter((element) => element.invalid).map((element) => element.index)).toEqual([7000]);
    expect(elements.filter((element) => !element.invalid).map((element) => element.value)).toEqual(users.filter((_, i) => i !== 7000));
  });

  it('refuses a file cut short, a file of another shape, and a Firebase file without its users', async () => {
    await expect(all(file('[{"a": 1}, {"b": "x'))).rejects.toThrow(JsonFileError);
    await expect(all(file('[{"a": 1}, {"b": 2}'))).rejects.toThrow(/ends inside a record/);
    await expect(all(file('"just a string"'))).rejects.toThrow(JsonFileError);
    await expect(all(file('[1] [2]'))).rejects.toThrow(/goes on after/);
    await expect(all(file('{"people": []}'), 'users')).rejects.toThrow(/no "users" array/);
    await expect(all(file('[]'), 'users')).rejects.toThrow(JsonFileError);
    expect(await all(file('  [ ]  '))).toEqual([]);
  });
});
