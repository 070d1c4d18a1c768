import type { Sandbox } from '@tributary/sandbox';
import { badInput } from '../errors/index.js';
import type { CodeChecker } from './prehook.service.js';

/**
 * Compiles a script in the sandbox before it is stored, so an admin learns of a syntax error (with
 * its line) or a missing export at save time, not at the first sign-in.
 */
export function scriptChecker(sandbox: Sandbox, requiredExports: readonly string[] = ['default']): CodeChecker {
  return async (code, field) => {
    const result = await sandbox.check(code);
    if (!result.ok) {
      const where = result.line ? ` (line ${result.line})` : '';
      throw badInput(field, `${result.kind === 'syntax' ? 'syntax error' : result.kind}${where}: ${result.message}`);
    }
    const missing = requiredExports.filter((name) => !result.exports.includes(name));
    if (missing.length) {
      throw badInput(field, `must export ${missing.map((name) => (name === 'default' ? 'a default function' : `a function "${name}"`)).join(' and ')}`);
    }
  };
}
