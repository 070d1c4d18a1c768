import { SourceError, type ExternalConnection, type SourceContext } from '@tributary/plugin-kit';
import type { CustomCodeConfig } from './config.js';
import { toAuthenticated, toIdentity, toPage } from './map-identity.js';
import { sandboxFrom, Script } from './client.js';

/** An address that cannot exist, so the connection test reaches the service without touching a real user. */
const PROBE_EMAIL = 'tributary-connection-test@invalid.invalid';

export async function connectCustomCode(config: CustomCodeConfig, ctx: SourceContext): Promise<ExternalConnection> {
  const script = await Script.load(sandboxFrom(ctx.services), config, ctx);

  const connection: ExternalConnection = {
    async authenticate({ email, password }) {
      return toAuthenticated(await script.call('authenticate', [{ email, password }]), script.redact);
    },

    async getUser(email) {
      return toIdentity(await script.call('getUser', [email]), 'getUser');
    },

    async test() {
      const started = ctx.now().getTime();
      try {
        await connection.getUser!(PROBE_EMAIL);
        const listing = script.has('listUsers') ? ', listUsers' : '';
        return { ok: true, message: `the script compiled (authenticate, getUser${listing}) and getUser answered in ${ctx.now().getTime() - started} ms` };
      } catch (error) {
        const message = error instanceof SourceError ? error.message : 'the script failed';
        return { ok: false, message, details: { code: error instanceof SourceError ? error.code : 'UNAVAILABLE' } };
      }
    },
  };
  // Optional in the script, so optional here: a capability a source lacks is simply absent.
  if (script.has('listUsers')) connection.listUsers = async (cursor) => toPage(await script.call('listUsers', [cursor ?? null]));
  return connection;
}
