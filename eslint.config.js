import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The folders of core/src from the bottom up. A folder imports only from folders below it (never
 * sideways, never up), so the import graph between folders has no cycle. Two exceptions, both safe:
 * `import type` (erased at run time; resolvers name the GraphQL context the server builds), and entity
 * files (`*.entity.ts`): the entities reference each other's relations and together are one model.
 */
const LAYERS = [
  ['ids', 'errors', 'logger'],
  ['config'],
  ['secrets', 'passwords'],
  ['db'],
  // Building blocks for resolvers and routes: connections, validation, body parsing, the error renderer.
  ['graphql', 'http'],
  // Mail (an outbox delivered by a job) and one-time codes: building blocks of native pools, below the users they serve.
  ['mail', 'one-time-codes'],
  // Domains, each above what it uses.
  ['audit', 'admin-keys', 'roles'],
  ['prehooks'],
  ['tenants'],
  ['users'],
  ['pools'],
  // The apps that sign users in through the OpenID Provider (their redirect URIs also serve the federation API).
  ['app-clients'],
  ['tokens'],
  ['sign-in'],
  ['federation'],
  // End-user self-service: registration and activation in native pools, password change and reset, one-time-code sign-in.
  ['self-service'],
  // The hosted login's pages, then the OpenID Provider (oidc-provider), whose interactions run sign-in and federation.
  ['hosted-login'],
  ['openid-provider'],
  ['maintenance'],
  // Write-back: admin changes to users of a pool, delivered to its source from an outbox.
  ['write-back'],
  // Jobs on pg-boss: imports and syncs of pools, their health, the scheduled purge, write-back deliveries.
  ['jobs'],
  // File imports: export files with password hashes, run by the CLI as a pool job (FILE_IMPORT) into the pool in bulk.
  ['imports'],
  // The composition root: schema, services, HTTP app, startApp; then the entry points.
  ['server'],
  ['main', 'cli', 'index'],
];
const rank = new Map(LAYERS.flatMap((names, index) => names.map((name) => [name, index])));
const FILE_ELEMENTS = new Set(['ids', 'logger', 'config', 'main', 'cli', 'index']);

const layering = {
  files: ['core/src/**/*.ts'],
  plugins: { boundaries },
  settings: {
    'boundaries/include': ['core/src/**/*.ts'],
    'boundaries/files': [{ category: 'entity', pattern: '**/*.entit{y,ies}.ts' }],
    'boundaries/elements': [...[...rank.keys()].filter((name) => !FILE_ELEMENTS.has(name)).map((name) => ({ type: name, pattern: `core/src/${name}` }))],
    'import/resolver': { typescript: { project: 'tsconfig.json' } },
  },
  rules: {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        policies: [
          { allow: { dependency: { kind: 'type' } } },
          { allow: { to: { file: { categories: 'entity' } } } },
          { from: { file: { categories: 'entity' } }, allow: { to: { element: { types: { anyOf: LAYERS[0] } } } } },
          ...[...rank.keys()].map((name) => ({
            from: { element: { type: name } },
            allow: { to: { element: { types: { anyOf: [name, ...[...rank].filter(([, r]) => r < rank.get(name)).map(([other]) => other)] } } } },
          })),
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '.tools/**', '.tributary/**', '.scratch/**', '**/dist/**', 'scripts/**', 'console/src/gql/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Test helpers and GraphQL responses are loosely typed on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  layering,
);
