import { z } from 'zod';
import type { PrehookEvent } from './prehook.entity.js';

/**
 * The contract of each prehook event: what the script receives (plain JSON), what it may return,
 * and how several prehooks of one event run. Like Rollup's hook kinds, the mode is declared here,
 * never inferred: `sequential` runs in position order and each prehook sees the previous one's
 * changes; `parallel` runs them together and ignores results (a notification).
 */
export type RunMode = 'sequential' | 'parallel';

/** A user as a script sees it: no password hash, no secrets. `id` is null before the user exists. */
export interface UserSnapshot {
  id: string | null;
  email: string;
  status: string;
  tenantId: string | null;
  roles: string[];
  profile: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** The pool that owns the credentials; null for local users. */
  pool: string | null;
  migratedFrom: string | null;
}

export interface PoolSnapshot {
  id: string;
  name: string;
  source: string;
}

interface Base {
  email: string;
  ip?: string;
}

export interface PrehookPayloads {
  beforeUserCreate: Base & { user: UserSnapshot; pool: PoolSnapshot | null; trigger: 'sign-in' | 'admin' | 'registration' };
  beforeSignIn: Base & { user: UserSnapshot | null };
  afterAuthentication: Base & { user: UserSnapshot; pool: PoolSnapshot | null; firstSignIn: boolean };
  userMigrated: Base & { user: UserSnapshot; pool: PoolSnapshot };
  beforeTokenIssue: Base & { user: UserSnapshot; pool: PoolSnapshot | null; claims: Record<string, unknown> };
}
export type Payload<E extends PrehookEvent> = PrehookPayloads[E] & { event: E };

/** Claims a prehook can never set: they say who the token is for and who issued it. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'sub',
  'sid',
  'iss',
  'aud',
  'exp',
  'iat',
  'nbf',
  'email',
  'tenant_id',
  'roles',
  'pool',
  'amr',
  'jti',
  'auth_time',
]);

const MAX_CHANGE_CHARS = 16 * 1024;
const object = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_CHANGE_CHARS, `must be at most ${MAX_CHANGE_CHARS} characters of JSON`);
const deny = z.string().trim().min(1, 'deny needs a reason').max(1000);
const claimName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$/, 'claim names are 1-100 letters, digits, "_", ".", ":" or "-"');

/** Results are checked strictly: a key the event does not take is a mistake worth reporting. */
const RESULTS = {
  beforeUserCreate: z.strictObject({
    profile: object.optional(),
    metadata: object.optional(),
    tenantId: z.string().min(1).max(255).nullable().optional(),
    deny: deny.optional(),
  }),
  beforeSignIn: z.strictObject({ deny: deny.optional() }),
  afterAuthentication: z.strictObject({ metadata: object.optional(), deny: deny.optional() }),
  userMigrated: z.unknown(),
  beforeTokenIssue: z.strictObject({ claims: z.record(claimName, z.unknown()).pipe(object).optional(), deny: deny.optional() }),
} satisfies Record<PrehookEvent, z.ZodType>;

export const RUN_MODES: Record<PrehookEvent, RunMode> = {
  beforeUserCreate: 'sequential',
  beforeSignIn: 'sequential',
  afterAuthentication: 'sequential',
  // The migration is already stored when this runs: a prehook cannot undo it, only hear of it.
  userMigrated: 'parallel',
  beforeTokenIssue: 'sequential',
};

export type Change = {
  deny?: string;
  profile?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  tenantId?: string | null;
  claims?: Record<string, unknown>;
};

/** A script's answer checked against its event: nothing (no change), a change, a denial, or why it is invalid. */
export function parseResult(event: PrehookEvent, value: unknown): { ok: true; change: Change } | { ok: false; message: string } {
  if (value === undefined || value === null || RUN_MODES[event] === 'parallel') return { ok: true, change: {} };
  const parsed = RESULTS[event].safeParse(value);
  if (parsed.success) return { ok: true, change: parsed.data as Change };
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  return { ok: false, message: `invalid result for ${event}${path ? ` at ${path}` : ''}: ${issue.message}` };
}

/**
 * RFC 7386 JSON Merge Patch: objects merge key by key, null removes a key, anything else replaces.
 * Keys are defined, not assigned, so a script's `"__proto__"` key stays a plain key and never
 * becomes a prototype.
 */
export function mergePatch(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = Object.hasOwn(merged, key) ? merged[key] : undefined;
    if (value === null) delete merged[key];
    else define(merged, key, isObject(value) ? mergePatch(isObject(current) ? current : {}, value) : value);
  }
  return merged;
}

const define = (target: Record<string, unknown>, key: string, value: unknown): void =>
  void Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Applies one prehook's change to the payload the next one receives. Returns notes for the run's
 * log (reserved claims that were dropped), so an admin sees why a claim is missing.
 */
export function applyChange<E extends PrehookEvent>(payload: Payload<E>, change: Change): string[] {
  const notes: string[] = [];
  const target = payload as { user?: UserSnapshot | null; claims?: Record<string, unknown> };
  if (change.profile && target.user) target.user.profile = mergePatch(target.user.profile, change.profile);
  if (change.metadata && target.user) target.user.metadata = mergePatch(target.user.metadata, change.metadata);
  if (change.tenantId !== undefined && target.user) target.user.tenantId = change.tenantId;
  if (change.claims && target.claims) {
    const reserved = Object.keys(change.claims).filter((name) => RESERVED_CLAIMS.has(name));
    if (reserved.length) notes.push(`reserved claims ignored: ${reserved.join(', ')}`);
    const allowed = Object.fromEntries(Object.entries(change.claims).filter(([name]) => !RESERVED_CLAIMS.has(name)));
    target.claims = mergePatch(target.claims, allowed);
  }
  return notes;
}
