import { SourceError, SourceUnavailable, type ExternalConnection, type SourceContext } from '@tributary/plugin-kit';
import type { UserRecord } from 'firebase-admin/auth';
import { createFirebaseClient } from './client.js';
import type { FirebaseConfig } from './config.js';
import { mapAdminError } from './errors.js';
import { mapIdentity, profileToUpdate } from './map-identity.js';

/** firebase-admin allows up to 1000 per listUsers page. */
export const PAGE_SIZE = 1000;

const isNotFound = (error: unknown) => (error as { code?: string } | null)?.code === 'auth/user-not-found';

export function connectFirebase(config: FirebaseConfig, ctx: SourceContext): ExternalConnection {
  const client = createFirebaseClient(config, ctx);
  const { auth } = client;
  const field = config.tenantIdFieldName;

  /** firebase-admin has no per-call timeout; race it so a hung peer costs at most ctx.timeoutMs. */
  async function admin<T>(operation: string, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SourceUnavailable(`Firebase did not answer ${operation} in time`, { code: 'TIMEOUT' })), ctx.timeoutMs);
    });
    try {
      return await Promise.race([run(), timeout]);
    } catch (error) {
      throw mapAdminError(error, operation);
    } finally {
      clearTimeout(timer);
    }
  }

  async function orNull(operation: string, run: () => Promise<UserRecord>) {
    try {
      return mapIdentity(await admin(operation, run), field);
    } catch (error) {
      if (error instanceof SourceError && isNotFound(error.cause)) return null;
      throw error;
    }
  }

  async function setClaims(uid: string, changes: { claims?: unknown; tenantId?: string | null }) {
    const current = (await admin('getUser', () => auth.getUser(uid))).customClaims ?? {};
    const claims: Record<string, unknown> = { ...current };
    if (changes.claims && typeof changes.claims === 'object') Object.assign(claims, changes.claims);
    // No tenant is no claim (a null claim would still be in every ID token).
    if (field && changes.tenantId === null) delete claims[field];
    else if (field && changes.tenantId !== undefined) claims[field] = changes.tenantId;
    await admin('setCustomUserClaims', () => auth.setCustomUserClaims(uid, claims));
  }

  return {
    async authenticate({ email, password }) {
      const uid = await client.signIn(email, password);
      if (!uid) return null;
      const identity = mapIdentity(await admin('getUser', () => auth.getUser(uid)), field);
      // signInWithPassword already refuses disabled users; this covers a disable racing the sign-in.
      if (identity.disabled) throw new SourceError('REJECTED', 'the user is disabled in Firebase');
      return identity;
    },

    getUser: (email) => orNull('getUserByEmail', () => auth.getUserByEmail(email)),

    async listUsers(cursor) {
      const page = await admin('listUsers', () => auth.listUsers(PAGE_SIZE, cursor ?? undefined));
      // Only here are hashes handed over: an import stores them, a sign-in has no use for them.
      return { users: page.users.map((user) => mapIdentity(user, field, config.passwordHashConfig)), cursor: page.pageToken ?? null };
    },

    async createUser({ email, password, profile = {}, tenantId }, options) {
      const uid = options?.idempotencyKey;
      // CreateRequest takes no nulls, unlike UpdateRequest.
      const fields = Object.fromEntries(Object.entries(profileToUpdate(profile)).filter(([, value]) => value != null)) as Record<string, string>;
      let created: UserRecord;
      try {
        // The idempotency key is the new user's uid: a repeat of this create finds the user it made.
        created = await admin('createUser', () =>
          auth.createUser({ ...(uid ? { uid } : {}), email, emailVerified: true, ...(password ? { password } : {}), ...fields }),
        );
      } catch (error) {
        const code = error instanceof SourceError ? (error.cause as { code?: string } | undefined)?.code : undefined;
        if (!uid || (code !== 'auth/uid-already-exists' && code !== 'auth/email-already-exists')) throw error;
        const mine = await admin('getUser', () => auth.getUser(uid)).catch((lookup: unknown) => {
          if (lookup instanceof SourceError && isNotFound(lookup.cause)) return null;
          throw lookup;
        });
        if (!mine || mine.email !== email) throw new SourceError('REJECTED', 'a Firebase user with this email already exists', { cause: error });
        created = mine;
      }
      // Claims are set again on a repeat: the first attempt may have stopped before them.
      if (profile.claims || (field && tenantId)) await setClaims(created.uid, { claims: profile.claims, tenantId: tenantId ?? null });
      return mapIdentity(await admin('getUser', () => auth.getUser(created.uid)), field);
    },

    async updateUser(externalId, { profile = {}, tenantId }) {
      const update = profileToUpdate(profile);
      if (Object.keys(update).length > 0) await admin('updateUser', () => auth.updateUser(externalId, update));
      if (profile.claims || (field && tenantId !== undefined)) await setClaims(externalId, { claims: profile.claims, tenantId });
    },

    async disableUser(externalId) {
      await admin('updateUser', () => auth.updateUser(externalId, { disabled: true }));
    },

    async enableUser(externalId) {
      await admin('updateUser', () => auth.updateUser(externalId, { disabled: false }));
    },

    async deleteUser(externalId) {
      await admin('deleteUser', () => auth.deleteUser(externalId));
    },

    async test() {
      const details: Record<string, unknown> = { projectId: client.projectId };
      try {
        await admin('listUsers', () => auth.listUsers(1));
        // A sign-in for an address that cannot exist checks the Web API key without touching a real user.
        await client.signIn('tributary-connection-test@invalid.invalid', 'not-a-password');
        return { ok: true, message: `connected to Firebase project "${client.projectId}"`, details };
      } catch (error) {
        const mapped = error instanceof SourceError ? error : mapAdminError(error, 'test');
        return { ok: false, message: mapped.message, details: { ...details, code: mapped.code } };
      }
    },

    close: () => client.close(),
  };
}
