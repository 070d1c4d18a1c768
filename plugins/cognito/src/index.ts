import { definePoolSource } from '@tributary/plugin-kit';
import { cognitoConfig } from './config.js';

export default definePoolSource({
  key: 'cognito',
  displayName: 'Amazon Cognito',
  type: 'EXTERNAL',
  config: cognitoConfig,
  // The AWS SDK is heavy (tens of MB resident): it loads with the first Cognito connection, so a server without a Cognito pool never carries it.
  connect: async (config, ctx) => (await import('./connection.js')).connectCognito(config, ctx),
});
