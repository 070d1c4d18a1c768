import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { FakeStore, type FakeExportJob, type FakeUser } from './store.js';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** A file rather than JSON (the export download). */
  raw?: Buffer;
}

const error = (status: number, name: string, message: string, errorCode: string): Reply => ({
  status,
  body: { statusCode: status, error: name, message, errorCode },
});
const notFound = () => error(404, 'Not Found', 'The user does not exist.', 'inexistent_user');

/**
 * The subset of Lucene queries the plugin sends: `email:"x"`, `created_at:["iso" TO *]` and
 * `identities.connection:"name"`, alone or joined by ` AND `.
 */
function matches(user: FakeUser, q: string | null): boolean {
  if (!q) return true;
  return q.split(' AND ').every((clause) => {
    const email = /^email:"(.*)"$/.exec(clause);
    if (email) return user.email === email[1]?.toLowerCase();
    const range = /^created_at:\["(.*)" TO \*\]$/.exec(clause);
    if (range) return user.created_at >= (range[1] ?? '');
    const connection = /^identities\.connection:"(.*)"$/.exec(clause);
    if (connection) return user.identities.some((identity) => identity.connection === connection[1]);
    throw new Error(`fake Auth0 does not understand q=${q}`);
  });
}

function listUsers(store: FakeStore, params: URLSearchParams): Reply {
  const page = Number(params.get('page') ?? 0);
  const perPage = Number(params.get('per_page') ?? 50);
  if (perPage > 100) return error(400, 'Bad Request', 'Query validation error: per_page must be at most 100', 'invalid_query_string');
  if ((page + 1) * perPage > 1000) {
    return error(
      400,
      'Bad Request',
      'You can only page through the first 1000 records. See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation',
      'invalid_paging',
    );
  }
  let users = [...store.users.values()].filter((user) => matches(user, params.get('q')));
  const sort = params.get('sort');
  if (sort) {
    const [field, direction] = sort.split(':') as [keyof FakeUser, string];
    users = users.sort((a, b) => String(a[field]).localeCompare(String(b[field])) * (direction === '-1' ? -1 : 1));
  }
  const slice = users.slice(page * perPage, (page + 1) * perPage).map(FakeStore.view);
  if (params.get('include_totals') !== 'true') return { status: 200, body: slice };
  return { status: 200, body: { start: page * perPage, limit: perPage, length: slice.length, total: users.length, users: slice } };
}

/** The value of a field path such as `user_metadata.plan` or `identities[0].connection`. */
function pick(user: Record<string, unknown>, path: string): unknown {
  let value: unknown = user;
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}

/** POST /api/v2/jobs/users-exports: validated as Auth0 does; the job completes after a few polls. */
function createExport(store: FakeStore, body: Record<string, unknown>): Reply {
  const { connection_id: connectionId, format = 'csv', fields, limit } = body as { connection_id?: string; format?: string; fields?: unknown; limit?: number };
  if (format !== 'json' && format !== 'csv') return error(400, 'Bad Request', 'Payload validation error: format must be json or csv', 'invalid_body');
  if (fields !== undefined && (!Array.isArray(fields) || fields.some((field) => typeof (field as { name?: unknown })?.name !== 'string')))
    return error(400, 'Bad Request', 'Payload validation error: fields must be an array of { name }', 'invalid_body');
  const connection = connectionId === undefined ? undefined : store.connections().find((c) => c.id === connectionId);
  if (connectionId !== undefined && !connection) return error(400, 'Bad Request', `The connection does not exist (${connectionId})`, 'inexistent_connection');
  const job: FakeExportJob = {
    id: `job_${randomBytes(8).toString('hex')}`,
    type: 'users_export',
    status: 'pending',
    ...(connection ? { connection_id: connection.id, connection: connection.name } : {}),
    format,
    fields: (fields as FakeExportJob['fields'] | undefined) ?? [{ name: 'user_id' }, { name: 'email' }, { name: 'name' }],
    created_at: new Date().toISOString(),
    pollsLeft: store.exportPolls,
    ...(limit ? { limit } : {}),
  };
  store.jobs.set(job.id, job);
  return { status: 201, body: publicJob(job) };
}

function publicJob(job: FakeExportJob): Record<string, unknown> {
  const { pollsLeft: _polls, file: _file, ...rest } = job;
  return rest;
}

/** GET /api/v2/jobs/{id}: pending, then completed with a download location for a gzipped NDJSON (or CSV) file. */
function getJob(store: FakeStore, id: string, origin: string): Reply {
  const job = store.jobs.get(id);
  if (!job) return error(404, 'Not Found', 'The job does not exist.', 'inexistent_job');
  if (job.status === 'pending' && job.pollsLeft-- <= 0) {
    const users = [...store.users.values()].filter((user) => !job.connection || user.identities.some((i) => i.connection === job.connection));
    const limited = (job as { limit?: number }).limit ? users.slice(0, (job as { limit?: number }).limit) : users;
    const rows = limited.map((user) => {
      const view = FakeStore.view(user) as Record<string, unknown>;
      return Object.fromEntries(job.fields.map((field) => [field.export_as ?? field.name, pick(view, field.name)]).filter(([, value]) => value !== undefined));
    });
    const text =
      job.format === 'json'
        ? rows.map((row) => JSON.stringify(row)).join('\n') + '\n'
        : [job.fields.map((f) => f.export_as ?? f.name).join(','), ...rows.map((row) => Object.values(row).map(String).join(','))].join('\n');
    job.file = gzipSync(text);
    job.status = 'completed';
    job.location = `${origin}/exports/${job.id}.${job.format}.gz?X-Amz-Signature=${randomBytes(8).toString('hex')}`;
  }
  return { status: 200, body: publicJob(job) };
}

/** The signed download link Auth0's job location points at (S3 in real life: no bearer token; 403 once expired). */
export function exportDownload(store: FakeStore, url: URL): Reply {
  const id = /^\/exports\/([^/.]+)\./.exec(url.pathname)?.[1] ?? '';
  store.calls.push(`GET /exports/${id}`);
  const file = store.jobs.get(id)?.file;
  if (!file) return { status: 403, body: undefined, raw: Buffer.from('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>') };
  return { status: 200, body: undefined, raw: file, headers: { 'content-type': 'application/gzip' } };
}

export function managementApi(store: FakeStore, method: string, url: URL, body: Record<string, unknown>): Reply {
  const path = url.pathname.replace(/^\/api\/v2/, '');
  store.calls.push(`${method} ${path}`);
  if (path === '/jobs/users-exports' && method === 'POST') return createExport(store, body);
  const jobPath = /^\/jobs\/([^/]+)$/.exec(path);
  if (jobPath && method === 'GET') return getJob(store, decodeURIComponent(jobPath[1] ?? ''), url.origin);
  if (path === '/connections' && method === 'GET') {
    const name = url.searchParams.get('name');
    const connections = store.connections().filter((connection) => !name || connection.name === name);
    // Checkpoint pagination (`take`) answers an object; the plain listing answers an array.
    return { status: 200, body: url.searchParams.has('take') ? { connections } : connections };
  }
  if (path === '/users' && method === 'GET') return listUsers(store, url.searchParams);
  if (path === '/users' && method === 'POST') {
    const email = String(body.email ?? '');
    if (store.byEmail(email).length > 0) return error(409, 'Conflict', 'The user already exists.', 'auth0_idp_error');
    const { connection, password, user_id: id, ...rest } = body as Partial<FakeUser> & { connection?: string; password?: string };
    // As Auth0 does for a database connection: a given user_id is prefixed with the strategy, and taken only once.
    if (id !== undefined && store.users.has(`auth0|${id}`)) return error(409, 'Conflict', 'The user already exists.', 'auth0_idp_error');
    const user = store.addUser({ ...rest, email, password: password ?? '', connection: connection ?? 'Username-Password-Authentication' });
    if (id !== undefined) {
      store.users.delete(user.user_id);
      user.user_id = `auth0|${id}`;
      user.identities = user.identities.map((identity) => ({ ...identity, user_id: String(id) }));
      store.users.set(user.user_id, user);
    }
    return { status: 201, body: FakeStore.view(user) };
  }
  if (path === '/users-by-email' && method === 'GET') return { status: 200, body: store.byEmail(url.searchParams.get('email') ?? '').map(FakeStore.view) };
  const match = /^\/users\/([^/]+)(\/roles)?$/.exec(path);
  if (!match) return error(404, 'Not Found', 'Not Found', 'not_found');
  const user = store.users.get(decodeURIComponent(match[1] ?? ''));
  if (!user) return notFound();
  if (match[2]) {
    const roles = user.roles.map((name) => ({ id: `rol_${name}`, name, description: name }));
    if (url.searchParams.get('include_totals') !== 'true') return { status: 200, body: roles };
    return { status: 200, body: { start: 0, limit: 50, total: roles.length, roles } };
  }
  if (method === 'GET') return { status: 200, body: FakeStore.view(user) };
  if (method === 'PATCH') {
    store.patch(user, body);
    return { status: 200, body: FakeStore.view(user) };
  }
  if (method === 'DELETE') {
    store.users.delete(user.user_id);
    return { status: 204, body: undefined };
  }
  return error(405, 'Method Not Allowed', 'Method Not Allowed', 'method_not_allowed');
}
