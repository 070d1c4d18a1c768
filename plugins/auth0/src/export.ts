import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { SourceError, type SourceContext } from '@tributary/plugin-kit';
import type { ManagementClient } from 'auth0';
import { toSourceError } from './errors.js';
import type { Auth0User } from './map-identity.js';

/** Lines handed to core per page (core merges a page in one transaction). */
export const EXPORT_PAGE_SIZE = 1000;
/** How long one listUsers call waits for a pending export before handing core the same cursor back. */
const WAIT_BUDGET_MS = 20_000;
const POLL_MS = 1_000;

/** The profile fields an export carries; JSON exports may take the metadata objects whole. */
const EXPORT_FIELDS = [
  'user_id',
  'email',
  'email_verified',
  'name',
  'given_name',
  'family_name',
  'nickname',
  'picture',
  'blocked',
  'created_at',
  'app_metadata',
  'user_metadata',
].map((name) => ({ name }));

interface OpenExport {
  jobId: string;
  /** The line the next page starts at. */
  line: number;
  lines: AsyncGenerator<string>;
  abort: AbortController;
}

/** Non-empty lines of a text stream, split on \n as they arrive. */
async function* ndjsonLines(input: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of input) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) yield part;
  }
  if (rest.trim()) yield rest;
}

export type ExportRead =
  | { kind: 'lines'; users: Auth0User[]; more: boolean }
  /** The export is still running: come back with the same cursor. */
  | { kind: 'pending' }
  /** Auth0 no longer has the job or its file (jobs and download links expire): start a new export. */
  | { kind: 'expired' };

/**
 * Auth0 serves only the first 1,000 results of GET /api/v2/users; beyond that the documented way to
 * list a connection is a users-export job, whose result is a gzipped NDJSON file.
 */
export function auth0Exports(management: ManagementClient, ctx: SourceContext, connectionName: string | undefined) {
  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toSourceError(error, operation, ctx.now());
    }
  }

  async function connectionId(): Promise<string | undefined> {
    if (!connectionName) return undefined;
    const page = await call('find connection', () => management.connections.list({ name: connectionName, take: 1 }));
    const id = page.data.find((connection) => connection.name === connectionName)?.id;
    if (!id) throw new SourceError('INVALID_CONFIG', `Auth0 has no connection named ${connectionName}`);
    return id;
  }

  async function start(): Promise<string> {
    const id = await connectionId();
    const job = await call('start users export', () =>
      management.jobs.usersExports.create({ ...(id ? { connection_id: id } : {}), format: 'json', fields: EXPORT_FIELDS }),
    );
    return job.id;
  }

  /** Polls the job (waiting out 429s) until it completes, fails, or this call's budget is spent. */
  async function location(jobId: string): Promise<string | 'pending' | 'expired'> {
    const deadline = ctx.now().getTime() + WAIT_BUDGET_MS;
    for (;;) {
      let wait = POLL_MS;
      let job: Awaited<ReturnType<ManagementClient['jobs']['get']>>;
      try {
        job = await management.jobs.get(jobId);
      } catch (error) {
        if ((error as { statusCode?: number } | null)?.statusCode === 404) return 'expired';
        const mapped = toSourceError(error, 'get users export job', ctx.now());
        if (mapped.code !== 'RATE_LIMITED') throw mapped;
        wait = mapped.retryAfterMs ?? POLL_MS;
        job = { id: jobId, type: 'users_export', status: 'throttled' };
      }
      if (job.status === 'completed' && job.location) return job.location;
      if (job.status === 'failed')
        throw new SourceError('UNAVAILABLE', `the Auth0 users export ${jobId} failed${job.status_details ? `: ${job.status_details}` : ''}`);
      if (ctx.now().getTime() + wait > deadline) return 'pending';
      await sleep(wait);
    }
  }

  /** The export download left open after the last page: the next page continues it instead of downloading again. */
  let open: OpenExport | null = null;

  function close(): void {
    open?.abort.abort();
    void open?.lines.return(undefined).catch(() => undefined);
    open = null;
  }

  /** Downloads the export's file (gzipped NDJSON) and skips to line `from`. */
  async function openAt(jobId: string, from: number): Promise<OpenExport | Exclude<ExportRead, { kind: 'lines' }>> {
    const url = await location(jobId);
    if (url === 'pending' || url === 'expired') return { kind: url };
    // The pool's timeout bounds the wait for an answer, not the reading of a file that may take minutes.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), ctx.timeoutMs);
    let response: Response;
    try {
      response = await ctx.fetch(url, { signal: abort.signal });
    } finally {
      clearTimeout(timer);
    }
    // The download link is signed and short-lived: an expired one answers 403 (or 404 once the file is gone).
    if (response.status === 403 || response.status === 404) return { kind: 'expired' };
    if (!response.ok || !response.body) throw new SourceError('UNAVAILABLE', `downloading the Auth0 users export answered ${response.status}`);
    const input = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream)
      .pipe(createGunzip())
      .setEncoding('utf8');
    const lines = ndjsonLines(input);
    for (let skipped = 0; skipped < from; skipped++) if ((await lines.next()).done) break;
    return { jobId, line: from, lines, abort };
  }

  /** Lines [from, from + EXPORT_PAGE_SIZE) of the export's file, read on from the open download when it is there. */
  async function read(jobId: string, from: number): Promise<ExportRead> {
    for (let attempt = 0; ; attempt++) {
      const continuing = open !== null && open.jobId === jobId && open.line === from;
      if (!continuing) {
        close();
        const opened = await openAt(jobId, from);
        if ('kind' in opened) return opened;
        open = opened;
      }
      const current = open!;
      try {
        const users: Auth0User[] = [];
        let done = false;
        while (users.length < EXPORT_PAGE_SIZE) {
          const next = await current.lines.next();
          if (next.done) {
            done = true;
            break;
          }
          users.push(JSON.parse(next.value) as Auth0User);
        }
        current.line += users.length;
        if (done) close();
        return { kind: 'lines', users, more: !done };
      } catch (error) {
        close();
        // A download left open between pages may have been cut: download again once, from this line.
        if (continuing && attempt === 0) continue;
        if (error instanceof SyntaxError) throw new SourceError('BAD_RESPONSE', 'the Auth0 users export file is not NDJSON', { cause: error });
        throw new SourceError('UNAVAILABLE', 'reading the Auth0 users export failed', { cause: error });
      }
    }
  }

  return { start, read, close };
}
