/** Auth0's per_page maximum. */
export const PAGE_SIZE = 100;
/** Auth0 serves at most the first 1,000 results of a search (10 pages of 100). */
export const MAX_PAGES = 10;

export interface Cursor {
  page: number;
  /** Lower bound (inclusive) on created_at for the current search window. */
  from?: string | undefined;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): Cursor {
  if (!cursor) return { page: 0 };
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (Number.isInteger(value.page) && value.page >= 0 && value.page < MAX_PAGES) return value;
  } catch {
    // fall through
  }
  return { page: 0 };
}
