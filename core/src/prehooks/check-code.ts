import { badInput } from '../errors.js';
import type { CodeChecker } from './prehook.service.js';

/** Refuses a script that cannot be a module with a default export. Replaced by the sandbox's compiler check. */
export const checkScript: CodeChecker = async (code, field) => {
  if (!/\bexport\s+default\b/.test(code)) throw badInput(field, 'must be an ES module with a default export (export default async function (event) { ... })');
};
