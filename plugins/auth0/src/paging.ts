/** Auth0's per_page maximum. */
export const PAGE_SIZE = 100;
/** Auth0 serves at most the first 1,000 results of a search (10 pages of 100). */
export const MAX_PAGES = 10;

export interface Cursor {
  page: number;
  /** Lower bound (inclusive) on created_at for the current search window. */
  from?: string | undefined;
  /** Users at exactly `from` that the previous window already listed: the inclusive bound brings them back. */
  skip?: string[] | undefined;
  /** The newest created_at listed so far in this window, and the users listed at exactly that instant. */
  lastAt?: string | undefined;
  lastIds?: string[] | undefined;
  /** Past 1,000 users the listing reads a users-export job instead: its id, and how many of its lines are done. */
  export?: string | undefined;
  line?: number | undefined;
  /** Exports started again because Auth0 dropped the job or its file before it was read. */
  restarts?: number | undefined;
}

/** New exports a listing starts after expired ones before it gives up (an export that always expires would loop). */
export const MAX_EXPORT_RESTARTS = 3;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): Cursor {
  if (!cursor) return { page: 0 };
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    const ids = (list: unknown) => list === undefined || (Array.isArray(list) && list.every((id) => typeof id === 'string'));
    if (value.export !== undefined) {
      if (typeof value.export === 'string' && value.export && Number.isInteger(value.line) && (value.line ?? -1) >= 0)
        return { page: 0, export: value.export, line: value.line, restarts: Number.isInteger(value.restarts) ? value.restarts : 0 };
      return { page: 0 };
    }
    if (Number.isInteger(value.page) && value.page >= 0 && value.page < MAX_PAGES && ids(value.skip) && ids(value.lastIds)) return value;
  } catch {
    // fall through
  }
  return { page: 0 };
}
