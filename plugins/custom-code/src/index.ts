import { definePoolSource } from '@tributary/plugin-kit';
import { customCodeConfig } from './config.js';

export default definePoolSource({
  key: 'custom-code',
  displayName: 'Custom code',
  type: 'EXTERNAL',
  config: customCodeConfig,
  // No SDK here, but the same shape as every built-in source: the connection code loads with the first pool.
  connect: async (config, ctx) => (await import('./connection.js')).connectCustomCode(config, ctx),
});

export { customCodeConfig, type CustomCodeConfig } from './config.js';
