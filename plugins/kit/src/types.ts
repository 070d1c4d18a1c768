import type { z } from 'zod';
import type { SourceServices } from './services.js';

export interface Credentials {
  email: string;
  password: string;
}

/** A user as a source knows them, in the shape core stores. */
export interface Identity {
  /** The source's own stable id (Cognito sub, Auth0 user_id, Firebase uid, OIDC sub). */
  externalId: string;
  email: string;
  emailVerified: boolean;
  /** Source-owned attributes: name, given_name, phone_number, picture, ... */
  profile: Record<string, unknown>;
  /** Read from the source field named by the config's `tenantIdFieldName`, when the source has one. */
  tenantId?: string | null;
  /** Source role names; core maps them to local roles by key. */
  roles?: string[];
  /** The source says the account is disabled. */
  disabled?: boolean;
  /**
   * The user's password hash, for sources that can export it: a string in a format core's verifier knows
   * (`formatFirebaseScryptHash`, or `$argon2…`, `$2b$…` bcrypt, `$pbkdf2-sha256$…`, ...). Only from
   * `listUsers`: an import or sync then makes the user local, signing in here with the old password.
   * Never set it on what `authenticate` or `getUser` return (core drops it there), and never log it.
   */
  passwordHash?: string;
}

export interface UserPage {
  users: Identity[];
  /** Opaque; absent or null on the last page. */
  cursor?: string | null;
}

export interface ProfileChanges {
  profile?: Record<string, unknown>;
  tenantId?: string | null;
}

export interface WriteOptions {
  idempotencyKey?: string;
}

export interface ConnectionTestResult {
  ok: boolean;
  /** What an admin should read: what works, or what to fix. Never a secret. */
  message: string;
  details?: Record<string, unknown>;
}

export interface SourceLogger {
  debug(object: Record<string, unknown>, message?: string): void;
  info(object: Record<string, unknown>, message?: string): void;
  warn(object: Record<string, unknown>, message?: string): void;
  error(object: Record<string, unknown>, message?: string): void;
}

/** What core injects: plugins never read env vars, files or the database. */
export interface SourceContext {
  logger: SourceLogger;
  /** fetch with the pool's timeout applied; transport failures become SourceUnavailable. */
  fetch: typeof fetch;
  /** Per-call time budget the source should respect, in ms. */
  timeoutMs: number;
  /** Current time; injectable for tests. */
  now(): Date;
  /** Services core offers: the script sandbox (custom code). Check before use: a server may offer none. */
  services: SourceServices;
}

/** An external source checks passwords itself. Optional capabilities are simply absent. */
export interface ExternalConnection {
  /** The identity for good credentials, null for rejected ones; throws SourceUnavailable when it cannot tell. */
  authenticate(credentials: Credentials): Promise<Identity | null>;
  getUser?(email: string): Promise<Identity | null>;
  listUsers?(cursor?: string | null): Promise<UserPage>;
  /**
   * Write-back (core calls these with the pool's settings.writeBack on). A call may be repeated after a
   * crash or lost answer: `idempotencyKey` is the same for every repetition of one change, so a source
   * that takes such a key sees it once. A write to a user the source does not have is REJECTED.
   */
  createUser?(
    user: { email: string; password?: string; profile?: Record<string, unknown>; tenantId?: string | null },
    options?: WriteOptions,
  ): Promise<Identity>;
  updateUser?(externalId: string, changes: ProfileChanges, options?: WriteOptions): Promise<void>;
  disableUser?(externalId: string, options?: WriteOptions): Promise<void>;
  enableUser?(externalId: string, options?: WriteOptions): Promise<void>;
  deleteUser?(externalId: string, options?: WriteOptions): Promise<void>;
  test?(): Promise<ConnectionTestResult>;
  close?(): Promise<void>;
}

export interface AuthorizationRequest {
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
}

export interface CallbackInput {
  /** The full callback URL the IdP redirected to. */
  url: URL;
  redirectUri: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** A federation source sends the user to the IdP's own page. */
export interface FederationConnection {
  authorizationUrl(request: AuthorizationRequest): Promise<URL>;
  handleCallback(input: CallbackInput): Promise<Identity>;
  test?(): Promise<ConnectionTestResult>;
  close?(): Promise<void>;
}

export type SourceType = 'EXTERNAL' | 'IDP_FEDERATION';

export type ConnectionOf<T extends SourceType> = T extends 'EXTERNAL' ? ExternalConnection : FederationConnection;

export interface PoolSourceDefinition<T extends SourceType, S extends z.ZodType> {
  /** Unique key stored on pools: `cognito`, `auth0`, `acme-ldap`. Lower-case, digits and dashes. */
  key: string;
  displayName: string;
  type: T;
  config: S;
  /**
   * Core lists and validates every installed source at start but connects only to the pools it has: a plugin
   * whose provider client is heavy (an SDK) imports it here, with `import()`, so a server without such a pool
   * never loads it. The definition (key, names, config) stays importable without the client.
   */
  connect(config: z.output<S>, context: SourceContext): ConnectionOf<T> | Promise<ConnectionOf<T>>;
}

export interface PoolSource<T extends SourceType = SourceType, S extends z.ZodType = z.ZodType> extends PoolSourceDefinition<T, S> {
  /** The kit version the plugin was built with; core refuses an incompatible one. */
  readonly kitVersion: number;
  /** Top-level config keys that are secrets. */
  readonly secretFields: readonly string[];
  /** Top-level config keys that decide where the secrets go: changing one requires the secrets again. */
  readonly destinationFields: readonly string[];
}
