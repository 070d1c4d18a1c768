import { createReadStream } from 'node:fs';
import type { Duplex, Readable } from 'node:stream';

/** One element of a file's array: its value, or why it could not be read. */
export interface JsonElement {
  /** From 0, in file order. */
  index: number;
  value: unknown;
  /** Set when the element is not valid JSON (the value is then undefined). */
  invalid?: string;
}

export class JsonFileError extends Error {}

const [OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, QUOTE, BACKSLASH, COMMA, NEWLINE] = [0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x5c, 0x2c, 0x0a];
const isSpace = (byte: number) => byte === 0x20 || byte === NEWLINE || byte === 0x0d || byte === 0x09;

/**
 * The elements of a JSON array from a file of any size, each parsed once with JSON.parse: a byte scanner
 * (strings and their escapes, nesting depth) finds where each element starts and ends, so memory holds a
 * read buffer and one element, never the file, and no token-by-token parser runs in JavaScript (stream-json
 * did, at a few thousand users per second).
 *
 * The file is a top-level array (`[{...}, {...}]`); or, without `path`, newline-delimited objects
 * (`{...}\n{...}`, as Auth0's users-export job writes them); or, with `path`, an object whose `path` key
 * holds the array (`{"users": [...]}`, Firebase's export). A syntax error inside an element makes that
 * element `invalid` (the caller names it); a file cut short or of another shape is a JsonFileError.
 */
export async function* jsonArrayElements(file: string, path?: string): AsyncGenerator<JsonElement> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** The depth whose children are the elements: 1 in a top-level array, 0 for NDJSON, 2 under the path's key; -1 before it is found. */
  let elementDepth = -1;
  let mode: 'array' | 'lines' | 'path' | null = null;
  let done = false;
  /** Where the element being read starts in this chunk (0 when it began in an earlier one, kept in `carry`); -1: none. */
  let start = -1;
  let carry: Buffer[] = [];
  let index = 0;
  // Path mode: the last string read at depth 1 (a key of the top-level object), as its bytes.
  let keyStart = -1;
  let keyCarry = '';
  let lastKey = '';
  let found = false;
  const wanted = path ? JSON.stringify(path).slice(1, -1) : '';
  let first = true;

  /** Elements wholly inside the current chunk, parsed together at its end: one JSON.parse per chunk, not per element. */
  const starts: number[] = [];
  const ends: number[] = [];
  const take = (chunk: Buffer, end: number, out: JsonElement[]) => {
    if (carry.length) out.push(element(chunk, end));
    else {
      starts.push(start);
      ends.push(end);
      start = -1;
    }
  };
  const flush = (chunk: Buffer, out: JsonElement[]) => {
    if (starts.length === 0) return;
    // In an array only commas and spaces lie between elements, so the span of them all is itself an array's inside.
    const text =
      mode === 'lines'
        ? `[${starts.map((from, k) => chunk.toString('utf8', from, ends[k])).join(',')}]`
        : `[${chunk.toString('utf8', starts[0], ends.at(-1))}]`;
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch {
      values = null;
    }
    if (Array.isArray(values) && values.length === starts.length) for (const value of values) out.push({ index: index++, value });
    else {
      // One of them is not valid JSON: each on its own, to name it.
      const pending = start;
      for (let k = 0; k < starts.length; k++) {
        start = starts[k]!;
        out.push(element(chunk, ends[k]!));
      }
      start = pending;
    }
    starts.length = 0;
    ends.length = 0;
  };

  const element = (chunk: Buffer, end: number): JsonElement => {
    const bytes = carry.length ? Buffer.concat([...carry, chunk.subarray(0, end)]) : chunk.subarray(start, end);
    carry = [];
    start = -1;
    const at = index++;
    try {
      return { index: at, value: JSON.parse(bytes.toString('utf8')) };
    } catch (error) {
      return { index: at, value: undefined, invalid: (error as Error).message };
    }
  };

  for await (const read of createReadStream(file, { highWaterMark: 1 << 20 })) {
    let chunk = read as Buffer;
    if (first && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    first = false;
    const out: JsonElement[] = [];
    const length = chunk.length;
    for (let i = 0; i < length; i++) {
      const byte = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) {
          inString = false;
          if (keyStart >= 0) {
            lastKey = keyCarry + chunk.toString('utf8', keyStart, i);
            keyCarry = '';
            keyStart = -1;
          }
        }
        continue;
      }
      if (done) {
        if (!isSpace(byte)) throw new JsonFileError('the file goes on after its array ends');
        continue;
      }
      if (mode === null) {
        if (isSpace(byte)) continue;
        if (byte === OPEN_ARRAY && !path) {
          mode = 'array';
          elementDepth = 1;
          depth = 1;
          continue;
        }
        if (byte === OPEN_OBJECT) mode = path ? 'path' : 'lines';
        else throw new JsonFileError(path ? `the file is not a JSON object with a "${path}" array` : 'the file is neither a JSON array nor JSON lines');
        if (mode === 'lines') elementDepth = 0;
      }
      // Outside strings: an element starts at its first byte at the element depth, and ends at the separator.
      if (depth === elementDepth && start === -1 && !isSpace(byte) && byte !== COMMA && byte !== CLOSE_ARRAY) start = i;
      if (byte === QUOTE) {
        inString = true;
        if (mode === 'path' && depth === 1 && elementDepth === -1) keyStart = i + 1;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        depth++;
        if (mode === 'path' && byte === OPEN_ARRAY && depth === 2 && elementDepth === -1 && lastKey === wanted) {
          elementDepth = 2;
          found = true;
        }
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        if (depth === elementDepth && start !== -1) take(chunk, i, out);
        depth--;
        if (depth < 0) throw new JsonFileError('a closing bracket without its opening one');
        if (depth === elementDepth - 1 && mode !== 'lines') {
          // The array is over: nothing but the enclosing object's end may follow.
          elementDepth = -1;
          if (mode === 'array') done = true;
        } else if (mode === 'lines' && depth === 0 && start !== -1) take(chunk, i + 1, out);
        else if (mode === 'path' && depth === 0) done = true;
      } else if (byte === COMMA && depth === elementDepth && start !== -1) take(chunk, i, out);
      else if (byte === NEWLINE && mode === 'lines' && depth === 0 && start !== -1) take(chunk, i, out);
    }
    flush(chunk, out);
    if (start !== -1) {
      carry.push(chunk.subarray(start));
      start = 0;
    }
    if (keyStart >= 0) {
      keyCarry += chunk.toString('utf8', keyStart);
      keyStart = 0;
    }
    yield* out;
  }
  if (mode === 'lines' && start !== -1 && depth === 0 && !inString) {
    yield element(Buffer.alloc(0), 0);
    return;
  }
  if (inString || depth !== 0 || (mode !== 'lines' && !done))
    throw new JsonFileError(mode === null ? 'the file is empty' : 'the file ends inside a record: is it complete?');
  if (mode === 'path' && !found) throw new JsonFileError(`the file has no "${path}" array`);
}

/** Pipes `source` through `stages`; unlike plain pipe, an error anywhere (unreadable file, bad syntax) ends the last stage with it. */
export function chain(source: Readable, stages: Duplex[]): Readable {
  let last: Readable = source;
  for (const stage of stages) {
    last.on('error', (error) => stage.destroy(error));
    last = last.pipe(stage);
  }
  return last;
}
