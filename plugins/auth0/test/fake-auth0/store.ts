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

/** A users-export job as GET /api/v2/jobs/{id} shows it, plus the file it makes. */
export interface FakeExportJob {
  id: string;
  type: 'users_export';
  status: 'pending' | 'processing' | 'completed' | 'failed';
  connection_id?: string;
  connection?: string;
  format: 'json' | 'csv';
  fields: { name: string; export_as?: string }[];
  created_at: string;
  location?: string;
  /** Polls left before the job completes; the users are snapshotted when it does. */
  pollsLeft: number;
  file?: Buffer;
}

export class FakeStore {
  /** users-export jobs by id; a test deletes one to play Auth0 expiring it. */
  readonly jobs = new Map<string, FakeExportJob>();
  /** How many GET /api/v2/jobs/{id} a new export answers pending before it completes. */
  exportPolls = 2;
  /** Requests served, by `METHOD path` (to prove which way a listing went). */
  readonly calls: string[] = [];
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

  /** Connections the users belong to, with the ids Auth0 would give them. */
  connections(): { id: string; name: string; strategy: 'auth0' }[] {
    const names = new Set([...this.users.values()].flatMap((user) => user.identities.map((identity) => identity.connection)));
    return [...names].map((name) => ({ id: `con_${Buffer.from(name).toString('hex').slice(0, 16)}`, name, strategy: 'auth0' }));
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
