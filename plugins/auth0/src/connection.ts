import { SourceError, SourceUnavailable, type ExternalConnection, type SourceContext } from '@tributary/plugin-kit';
import { createAuth0Clients, idTokenClaims } from './client.js';
import type { Auth0Config } from './config.js';
import { mapAuth0Error, toSourceError, WRONG_CREDENTIALS } from './errors.js';
import { mapIdentity, toPatch, type Auth0User } from './map-identity.js';
import { auth0Exports } from './export.js';
import { decodeCursor, encodeCursor, PAGE_SIZE, MAX_PAGES, MAX_EXPORT_RESTARTS } from './paging.js';

export function connectAuth0(config: Auth0Config, ctx: SourceContext): ExternalConnection {
  const { authentication, management } = createAuth0Clients(config, ctx);
  const field = config.tenantIdFieldName;

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toSourceError(error, operation, ctx.now());
    }
  }

  async function rolesOf(userId: string): Promise<string[]> {
    const page = await call('list user roles', () => management.users.roles.list(userId, { per_page: 100 }));
    return page.data.map((role) => role.name ?? '').filter(Boolean);
  }

  async function withRoles(user: Auth0User) {
    return mapIdentity(user, field, await rolesOf(user.user_id ?? ''));
  }

  /** An email can have one user per connection; prefer the configured one. */
  async function findByEmail(email: string): Promise<Auth0User | null> {
    const users = (await call('users-by-email', () => management.users.listUsersByEmail({ email }))) as Auth0User[];
    const inConnection = config.connection ? users.filter((u) => u.identities?.some((i) => i.connection === config.connection)) : users;
    return inConnection[0] ?? null;
  }

  const exports = auth0Exports(management, ctx, config.connection);
  /** The listing's search: the configured connection's users, from a created_at on (a new search window). */
  const query = (from: string | undefined): string =>
    [config.connection ? `identities.connection:"${config.connection.replace(/["\\]/g, '\\$&')}"` : '', from ? `created_at:["${from}" TO *]` : '']
      .filter(Boolean)
      .join(' AND ');

  /** One page of the export's lines; a job Auth0 no longer has is started again from its first line, a few times at most. */
  async function exportPage(jobId: string, line: number, restarts = 0) {
    const read = await exports.read(jobId, line);
    if (read.kind === 'pending') return { users: [], cursor: encodeCursor({ page: 0, export: jobId, line, restarts }) };
    if (read.kind === 'expired') {
      if (restarts >= MAX_EXPORT_RESTARTS) throw new SourceUnavailable(`the Auth0 users export expired ${restarts + 1} times before it could be read`);
      return { users: [], cursor: encodeCursor({ page: 0, export: await exports.start(), line: 0, restarts: restarts + 1 }) };
    }
    const next = read.more ? encodeCursor({ page: 0, export: jobId, line: line + read.users.length, restarts }) : null;
    return { users: read.users.map((user) => mapIdentity(user, field)), cursor: next };
  }

  const connection: ExternalConnection = {
    async authenticate({ email, password }) {
      let idToken: string | undefined;
      try {
        const { data } = await authentication.oauth.passwordGrant({
          username: email,
          password,
          scope: 'openid email profile',
          ...(config.connection ? { realm: config.connection } : {}),
          ...(config.audience ? { audience: config.audience } : {}),
        });
        idToken = data.id_token;
      } catch (error) {
        const mapped = mapAuth0Error(error, 'password grant', ctx.now());
        if (mapped === WRONG_CREDENTIALS) return null;
        throw mapped;
      }
      const sub = idToken ? idTokenClaims(idToken).sub : undefined;
      const user = typeof sub === 'string' ? ((await call('get user', () => management.users.get(sub))) as Auth0User) : await findByEmail(email);
      if (!user) throw new SourceUnavailable('Auth0 accepted the password but has no such user', { code: 'BAD_RESPONSE' });
      if (user.blocked) throw new SourceError('REJECTED', 'the user is blocked in Auth0');
      return withRoles(user);
    },

    async getUser(email) {
      const user = await findByEmail(email);
      return user ? withRoles(user) : null;
    },

    // Roles are left out of listed users: one extra call per user would exhaust the Management API rate limit.
    // With a connection configured, only its users are listed, as the users-export job lists them past 1,000.
    async listUsers(cursor) {
      const { page, from, skip = [], lastAt, lastIds = [], export: exportId, line = 0, restarts } = decodeCursor(cursor);
      if (exportId) return exportPage(exportId, line, restarts);
      const result = await call('list users', () =>
        management.users.list({
          page,
          per_page: PAGE_SIZE,
          include_totals: true,
          sort: 'created_at:1',
          search_engine: 'v3',
          ...(query(from) ? { q: query(from) } : {}),
        }),
      );
      const listed = result.data as Auth0User[];
      const total = (result.response as { total?: number }).total ?? 0;
      // Auth0 pages only through the first 1,000 results: a larger tenant is read from a users-export job.
      if (page === 0 && !from && total > MAX_PAGES * PAGE_SIZE) return exportPage(await exports.start(), 0);
      const hasMore = listed.length === PAGE_SIZE && page * PAGE_SIZE + listed.length < total;
      // Who was listed at the newest instant so far: a new window starts there, inclusively.
      const pageLast = String(listed.at(-1)?.created_at ?? lastAt ?? '');
      const atLast = listed.filter((user) => String(user.created_at) === pageLast).map((user) => String(user.user_id));
      const tail = pageLast === lastAt ? [...lastIds, ...atLast] : atLast;
      let next: string | null = null;
      if (hasMore && page + 1 < MAX_PAGES) next = encodeCursor({ page: page + 1, from, skip, lastAt: pageLast, lastIds: tail });
      else if (hasMore) {
        // Auth0 refuses to page past 1,000 results: start a new search window at the last created_at seen.
        if (!pageLast || pageLast === from) throw new SourceError('UNSUPPORTED', 'more than 1,000 Auth0 users share one created_at: use a users-export job');
        next = encodeCursor({ page: 0, from: pageLast, skip: tail });
      }
      const users = listed.filter((user) => !(String(user.created_at) === from && skip.includes(String(user.user_id))));
      return { users: users.map((user) => mapIdentity(user, field)), cursor: next };
    },

    async createUser({ email, password, profile = {}, tenantId }, options) {
      const key = options?.idempotencyKey;
      const body = {
        ...toPatch(profile, field, tenantId ?? undefined),
        email,
        email_verified: true,
        connection: config.connection ?? 'Username-Password-Authentication',
        // The idempotency key becomes the user's id in the connection (Auth0 prefixes it, e.g. auth0|<key>): a repeat finds it.
        ...(key ? { user_id: key } : {}),
        ...(password ? { password } : {}),
      };
      try {
        const created = (await management.users.create(body as Parameters<typeof management.users.create>[0])) as Auth0User;
        return mapIdentity(created, field, []);
      } catch (error) {
        const mapped = toSourceError(error, 'create user', ctx.now());
        if (!key || (error as { statusCode?: number } | null)?.statusCode !== 409) throw mapped;
        // 409: this create's answer was lost and Auth0 has the user it made, or someone else has the email.
        const users = (await call('users-by-email', () => management.users.listUsersByEmail({ email }))) as Auth0User[];
        const mine = users.find((user) => user.user_id?.endsWith(`|${key}`) || user.identities?.some((identity) => identity.user_id === key));
        if (!mine) throw new SourceError('REJECTED', 'an Auth0 user with this email already exists', { cause: error });
        return mapIdentity(mine, field, []);
      }
    },

    async updateUser(externalId, { profile = {}, tenantId }) {
      const patch = toPatch(profile, field, tenantId);
      if (Object.keys(patch).length > 0) await call('update user', () => management.users.update(externalId, patch));
    },

    async disableUser(externalId) {
      await call('block user', () => management.users.update(externalId, { blocked: true }));
    },

    async enableUser(externalId) {
      await call('unblock user', () => management.users.update(externalId, { blocked: false }));
    },

    async deleteUser(externalId) {
      await call('delete user', () => management.users.delete(externalId));
    },

    async close() {
      exports.close();
    },

    async test() {
      const details: Record<string, unknown> = { domain: config.domain };
      try {
        await call('list users', () => management.users.list({ per_page: 1 }));
        // A password grant for an address that cannot exist proves the grant is enabled without touching a real user.
        const probe = await connection
          .authenticate({ email: 'tributary-connection-test@invalid.invalid', password: 'not-the-password' })
          .catch((error: unknown) => error);
        if (probe instanceof SourceError) throw probe;
        return { ok: true, message: `connected to Auth0 tenant ${config.domain}`, details };
      } catch (error) {
        const mapped = error instanceof SourceError ? error : toSourceError(error, 'test', ctx.now());
        return { ok: false, message: mapped.message, details: { ...details, code: mapped.code } };
      }
    },
  };
  return connection;
}
