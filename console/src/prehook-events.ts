import type { PrehookEvent } from './gql/graphql';

/**
 * What each event hands a script and what it may answer, for the editor's side panel and the test run's
 * sample. The API names the events (PrehookEvent) but not their payload shapes: these mirror
 * core/src/prehooks/events.ts, the server's contract, which checks every result strictly.
 */
const USER = `interface UserSnapshot {
  id: string | null;            // null before the user exists
  email: string;
  status: string;
  tenantId: string | null;
  roles: string[];
  profile: Record<string, unknown>;
  metadata: Record<string, unknown>;
  pool: string | null;          // the pool that owns the credentials
  migratedFrom: string | null;
}
interface PoolSnapshot { id: string; name: string; source: string }`;

export const EVENT_TYPES: Record<PrehookEvent, { payload: string; result: string }> = {
  beforeUserCreate: {
    payload: `{ event: 'beforeUserCreate'; email: string; ip?: string;\n  user: UserSnapshot; pool: PoolSnapshot | null; trigger: 'sign-in' | 'admin' }`,
    result: `{ profile?: object; metadata?: object; tenantId?: string | null; deny?: string }`,
  },
  beforeSignIn: {
    payload: `{ event: 'beforeSignIn'; email: string; ip?: string; user: UserSnapshot | null }`,
    result: `{ deny?: string }`,
  },
  afterAuthentication: {
    payload: `{ event: 'afterAuthentication'; email: string; ip?: string;\n  user: UserSnapshot; pool: PoolSnapshot | null; firstSignIn: boolean }`,
    result: `{ metadata?: object; deny?: string }`,
  },
  userMigrated: {
    payload: `{ event: 'userMigrated'; email: string; ip?: string; user: UserSnapshot; pool: PoolSnapshot }`,
    result: `(ignored: a notification)`,
  },
  beforeTokenIssue: {
    payload: `{ event: 'beforeTokenIssue'; email: string; ip?: string;\n  user: UserSnapshot; pool: PoolSnapshot | null; claims: Record<string, unknown> }`,
    result: `{ claims?: object; deny?: string }  // reserved claims (sub, iss, aud, ...) are ignored`,
  },
};

export const USER_SNAPSHOT_TYPE = USER;

const user = {
  id: null,
  email: 'ada@example.com',
  status: 'ACTIVE',
  tenantId: null,
  roles: [],
  profile: { name: 'Ada' },
  metadata: {},
  pool: null,
  migratedFrom: null,
};
const pool = { id: '00000000-0000-4000-8000-000000000000', name: 'Legacy', source: 'cognito' };

export const SAMPLE_PAYLOADS: Record<PrehookEvent, Record<string, unknown>> = {
  beforeUserCreate: { email: user.email, user, pool, trigger: 'sign-in' },
  beforeSignIn: { email: user.email, user },
  afterAuthentication: { email: user.email, user: { ...user, id: '11111111-1111-4111-8111-111111111111' }, pool, firstSignIn: true },
  userMigrated: { email: user.email, user: { ...user, id: '11111111-1111-4111-8111-111111111111' }, pool },
  beforeTokenIssue: { email: user.email, user: { ...user, id: '11111111-1111-4111-8111-111111111111' }, pool: null, claims: {} },
};

export const STARTER_CODE = `export default async function (event) {
  console.log('event for', event.email);
  return {};
}
`;
