import { definePoolSource } from '@tributary/plugin-kit';
import { auth0Config } from './config.js';

export default definePoolSource({
  key: 'auth0',
  displayName: 'Auth0',
  type: 'EXTERNAL',
  config: auth0Config,
  // The auth0 SDK is heavy (tens of MB resident): it loads with the first Auth0 connection, so a server without an Auth0 pool never carries it.
  connect: async (config, ctx) => (await import('./connection.js')).connectAuth0(config, ctx),
});
