import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const consoleDir = new URL('../../console/', import.meta.url).pathname;
// The generator is the console's dev dependency; the test package only runs it.
const { generate } = createRequire(join(consoleDir, 'package.json'))('@graphql-codegen/cli') as {
  generate(config: Record<string, unknown>, saveToFile: boolean): Promise<{ filename: string; content: string }[]>;
};

describe('console GraphQL types', () => {
  it('console/src/gql matches schema/schema.graphql and the console documents (run `pnpm --filter @tributary/console codegen`)', async () => {
    const { default: config } = await import('../../console/codegen.js');
    const [[target, output]] = Object.entries(config.generates) as [[string, any]];
    const files = await generate(
      {
        ...config,
        cwd: consoleDir,
        schema: join(consoleDir, config.schema as string),
        documents: (config.documents as string[]).map((glob) => (glob.startsWith('!') ? `!${join(consoleDir, glob.slice(1))}` : join(consoleDir, glob))),
        generates: { [join(consoleDir, target)]: output },
        silent: true,
      },
      false,
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(file.filename, 'utf8'), file.filename).toBe(file.content);
  });
});
