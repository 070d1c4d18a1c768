import { randomUUID } from 'node:crypto';
import { cert, deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';
import { SourceError, SourceUnavailable, type SourceContext } from '@tributary/plugin-kit';
import { parseServiceAccount, type FirebaseConfig } from './config.js';
import { mapSignInError } from './errors.js';

export interface FirebaseClient {
  auth: Auth;
  projectId: string;
  /** The uid for good credentials, null for wrong ones. */
  signIn(email: string, password: string): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * firebase-admin only learns about an emulator from FIREBASE_AUTH_EMULATOR_HOST, read when an Auth
 * instance is built (v13+ keeps the value per instance). Setting it around the synchronous getAuth()
 * gives this app its own emulator host without affecting other pools in the process.
 */
function authFor(app: App, emulatorHost: string | undefined): Auth {
  const saved = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  if (emulatorHost) process.env.FIREBASE_AUTH_EMULATOR_HOST = emulatorHost;
  else delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
  try {
    return getAuth(app);
  } finally {
    if (saved === undefined) delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
    else process.env.FIREBASE_AUTH_EMULATOR_HOST = saved;
  }
}

export function createFirebaseClient(config: FirebaseConfig, ctx: SourceContext): FirebaseClient {
  const account = parseServiceAccount(config.serviceAccount);
  if (!account) throw new SourceError('INVALID_CONFIG', 'serviceAccount is not a service-account key', { field: 'serviceAccount' });
  const projectId = config.projectId ?? account.project_id;
  // A uniquely named app per connection: two pools on different projects never share credentials.
  let app: App;
  try {
    app = initializeApp(
      { credential: cert({ projectId, clientEmail: account.client_email, privateKey: account.private_key }), projectId },
      `tributary-${randomUUID()}`,
    );
  } catch (error) {
    // firebase-admin parses the private key here ("Failed to parse private key."); its messages never quote it.
    throw new SourceError('INVALID_CONFIG', 'the private key of serviceAccount cannot be read: paste the whole key file again', {
      field: 'serviceAccount',
      cause: error,
    });
  }
  const auth = authFor(app, config.authEmulatorHost);
  const base = config.authEmulatorHost ? `http://${config.authEmulatorHost}/identitytoolkit.googleapis.com/v1` : 'https://identitytoolkit.googleapis.com/v1';

  return {
    auth,
    projectId,
    async signIn(email, password) {
      // The key travels in the query string: never log the URL or put it in an error.
      const url = `${base}/accounts:signInWithPassword?key=${encodeURIComponent(config.apiKey)}`;
      let response: Response;
      try {
        response = await ctx.fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password, returnSecureToken: true }),
        });
      } catch (error) {
        if (error instanceof SourceError) throw error;
        throw new SourceUnavailable('Firebase is unreachable', { cause: error });
      }
      const body: unknown = await response.json().catch(() => null);
      if (response.ok) {
        const uid = (body as { localId?: unknown } | null)?.localId;
        if (typeof uid !== 'string') throw new SourceUnavailable('Firebase answered without a user id', { code: 'BAD_RESPONSE' });
        return uid;
      }
      const mapped = mapSignInError(response.status, body, response.headers.get('retry-after'));
      if (mapped) throw mapped;
      return null;
    },
    close: () => deleteApp(app),
  };
}
