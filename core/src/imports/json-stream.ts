import { createReadStream } from 'node:fs';
import type { Duplex, Readable } from 'node:stream';
import pick from 'stream-json/filters/pick.js';
import parser from 'stream-json/parser.js';
import streamArray from 'stream-json/streamers/stream-array.js';

/**
 * The elements of a JSON array, one at a time, from a file of any size: the file is parsed as a stream
 * (stream-json), so memory holds one element, never the file. `path`: where the array is (`users` in
 * Firebase's export), or the top level.
 */
export async function* jsonArrayElements(file: string, path?: string): AsyncGenerator<{ index: number; value: unknown }> {
  const stages: Duplex[] = [parser.asStream(), ...(path ? [pick.asStream({ filter: path })] : []), streamArray.asStream()];
  const elements = chain(createReadStream(file), stages) as AsyncIterable<{ key: number; value: unknown }>;
  for await (const item of elements) {
    yield { index: item.key, value: item.value };
  }
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
