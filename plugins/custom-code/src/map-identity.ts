import { SourceError, SourceUnavailable, type Identity, type UserPage } from '@tributary/plugin-kit';
import { z } from 'zod';

/**
 * What a script may answer, checked at the boundary like any source's answer. Lenient where a
 * default is obvious (no profile, unverified email), strict where a wrong value would corrupt a user.
 */
const identity = z.object({
  externalId: z.union([z.string().min(1).max(255), z.number().int().transform(String)]),
  email: z.string().min(3).max(254),
  emailVerified: z.boolean().default(false),
  profile: z.record(z.string(), z.unknown()).default({}),
  tenantId: z.union([z.string().min(1).max(255), z.number().int().transform(String)]).nullish(),
  roles: z.array(z.string().min(1).max(255)).max(1000).optional(),
  disabled: z.boolean().optional(),
});

const page = z.object({
  users: z.array(identity).max(1000),
  cursor: z.string().max(2048).nullish(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, exportName: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  throw new SourceUnavailable(`the script's ${exportName} returned ${path ? `a wrong ${path}` : 'something of the wrong shape'}: ${issue.message}`, {
    code: 'BAD_RESPONSE',
  });
}

/** `authenticate` and `getUser`: an identity, or null/undefined for "no such user or wrong password". */
export function toIdentity(value: unknown, exportName: string): Identity | null {
  if (value === null || value === undefined) return null;
  const parsed = parse(identity, value, exportName);
  return { ...parsed, tenantId: parsed.tenantId ?? null };
}

const rejection = z.strictObject({ rejected: z.string().min(1).max(1000) });

/**
 * `authenticate` may also answer `{ rejected: "reason" }`: the password was right but the service
 * refuses the user (disabled, must reset). The user gets the wrong-password answer; the audit, the reason.
 */
export function toAuthenticated(value: unknown, redact: (text: string) => string): Identity | null {
  const refused = rejection.safeParse(value);
  if (refused.success) throw new SourceError('REJECTED', `the script refused the sign-in: ${redact(refused.data.rejected).slice(0, 200)}`);
  return toIdentity(value, 'authenticate');
}

export function toPage(value: unknown): UserPage {
  const parsed = parse(page, value, 'listUsers');
  return { users: parsed.users.map((user) => ({ ...user, tenantId: user.tenantId ?? null })), cursor: parsed.cursor ?? null };
}
