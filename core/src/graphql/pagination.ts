import { z } from 'zod';
import { badInput } from '../errors/index.js';

export const MAX_PAGE_SIZE = 200;

export const pageArgs = z.object({
  first: z.number().int().min(1, 'must be at least 1').max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`),
  after: z.string().nullish(),
});

/** Opaque Relay cursors: base64url of the row's sort key. */
export const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

export function decodeCursor(cursor: string | null | undefined, field = 'after'): string | null {
  if (cursor === null || cursor === undefined || cursor === '') return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key || encodeCursor(key) !== cursor) throw badInput(field, 'is not a cursor this API issued');
  return key;
}

export function checkPage(first: number, after: string | null | undefined): { first: number; afterKey: string | null } {
  const parsed = pageArgs.safeParse({ first, after });
  if (!parsed.success) throw badInput(String(parsed.error.issues[0]?.path[0] ?? 'first'), parsed.error.issues[0]?.message ?? 'invalid');
  return { first, afterKey: decodeCursor(after) };
}
