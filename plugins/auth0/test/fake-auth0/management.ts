import { FakeStore, type FakeUser } from './store.js';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const error = (status: number, name: string, message: string, errorCode: string): Reply => ({
  status,
  body: { statusCode: status, error: name, message, errorCode },
});
const notFound = () => error(404, 'Not Found', 'The user does not exist.', 'inexistent_user');

/** The subset of Lucene queries the plugin sends: `email:"x"` and `created_at:["iso" TO *]`. */
function matches(user: FakeUser, q: string | null): boolean {
  if (!q) return true;
  const email = /^email:"(.*)"$/.exec(q);
  if (email) return user.email === email[1]?.toLowerCase();
  const range = /^created_at:\["(.*)" TO \*\]$/.exec(q);
  if (range) return user.created_at >= (range[1] ?? '');
  throw new Error(`fake Auth0 does not understand q=${q}`);
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

export function managementApi(store: FakeStore, method: string, url: URL, body: Record<string, unknown>): Reply {
  const path = url.pathname.replace(/^\/api\/v2/, '');
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
