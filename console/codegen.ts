import type { CodegenConfig } from '@graphql-codegen/cli';

/** Typed documents from the published schema: `pnpm schema` (or `pnpm --filter @tributary/console codegen`) after changing a query or the schema. */
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        // Only what the console's documents use: a schema change elsewhere leaves these files alone.
        onlyOperationTypes: true,
        enumsAsTypes: true,
        scalars: { DateTimeISO: 'string', JSONObject: 'Record<string, unknown>', JSON: 'unknown' },
      },
    },
  },
};
export default config;
