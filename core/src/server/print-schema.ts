// `pnpm schema`: writes schema/schema.graphql, the published contract. A test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { adminSchema } from './graphql-schema.js';

export const SCHEMA_FILE = new URL('../../../schema/schema.graphql', import.meta.url);

export async function printAdminSchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await adminSchema()))}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(SCHEMA_FILE, await printAdminSchema());
  console.log(`wrote ${SCHEMA_FILE.pathname}`);
}
