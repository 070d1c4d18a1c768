import { definePoolSource } from '@tributary/plugin-kit';
import { firebaseConfig } from './config.js';

export default definePoolSource({
  key: 'firebase',
  displayName: 'Google Firebase',
  type: 'EXTERNAL',
  config: firebaseConfig,
  // firebase-admin is heavy (tens of MB resident): it loads with the first Firebase connection, so a server without a Firebase pool never carries it.
  connect: async (config, ctx) => (await import('./connection.js')).connectFirebase(config, ctx),
});
