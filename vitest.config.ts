import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
// One graphql module for every importer, or type-graphql and Apollo see two realms. graphql 16 has no
// `exports` map, so Node's ESM loader gives externals its CommonJS index.js: tests must use that one too.
const graphqlPath = require.resolve('graphql', { paths: [new URL('./core', import.meta.url).pathname] });

export default defineConfig({
  resolve: { alias: { graphql: graphqlPath } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
