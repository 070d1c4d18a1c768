import { randomBytes } from 'node:crypto';

/** A user as Auth0's Management API returns it (plus the password, which it never returns). */
export interface FakeUser {
  user_id: string;
  email: string;
  email_verified: boolean;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  blocked?: boolean;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  identities: { connection: string; provider: 'auth0'; user_id: string; isSocial: false }[];
  password: string;
  roles: string[];
}

export interface FakeClient {
  secret: string;
  grants: string[];
}

export class FakeStore {
  readonly users = new Map<string, FakeUser>();
  readonly clients = new Map<string, FakeClient>();
  /** Management API tokens handed out by client_credentials. */
  readonly tokens = new Set<string>();
  private clock = Date.parse('2024-01-01T00:00:00.000Z');

  addUser(input: Partial<FakeUser> & { email: string; password: string; connection?: string }): FakeUser {
    const id = randomBytes(12).toString('hex');
    const now = new Date((this.clock += 1000)).toISOString();
    const { connection = 'Username-Password-Authentication', ...rest } = input;
    const user: FakeUser = {
      user_id: `auth0|${id}`,
      email_verified: false,
      app_metadata: {},
      user_metadata: {},
      created_at: now,
      updated_at: now,
      identities: [{ connection, provider: 'auth0', user_id: id, isSocial: false }],
      roles: [],
      ...rest,
      email: input.email.toLowerCase(),
    };
    this.users.set(user.user_id, user);
    return user;
  }

  byEmail(email: string): FakeUser[] {
    return [...this.users.values()].filter((user) => user.email === email.toLowerCase());
  }

  /** The public shape: no password, no roles (those have their own endpoint). */
  static view(user: FakeUser): Record<string, unknown> {
    const { password: _password, roles: _roles, ...rest } = user;
    return rest;
  }

  /** PATCH semantics: top-level replace, app_metadata/user_metadata merged one level deep, null deletes. */
  patch(user: FakeUser, body: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(body)) {
      if (key === 'app_metadata' || key === 'user_metadata') {
        const target = user[key];
        for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
          if (v === null) delete target[k];
          else target[k] = v;
        }
      } else if (key === 'password') {
        user.password = String(value);
      } else {
        (user as unknown as Record<string, unknown>)[key] = value;
      }
    }
    user.updated_at = new Date((this.clock += 1000)).toISOString();
  }
}
