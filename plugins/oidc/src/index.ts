import { definePoolSource } from '@tributary/plugin-kit';
import { oidcConfig } from './config.js';

export default definePoolSource({
  key: 'oidc',
  displayName: 'OpenID Connect',
  type: 'IDP_FEDERATION',
  config: oidcConfig,
  // Like every source with a client library: openid-client loads with the first OIDC connection, not with the server.
  connect: async (config, ctx) => (await import('./connection.js')).connectOidc(config, ctx),
});
