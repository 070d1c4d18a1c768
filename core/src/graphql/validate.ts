import type { z } from 'zod';
import { AppError } from '../errors/index.js';

/** An input class that carries its own zod schema: `static readonly schema = z.object({...})`. */
interface ValidatedInput {
  schema?: z.ZodType;
  argName?: string;
}

/**
 * type-graphql's validateFn: every argument whose class carries a zod schema is checked here,
 * at the boundary, so services receive data they can trust. The error names the field
 * (`input.config.region`), the way the client wrote it.
 */
export function validateArgument(value: unknown, type: unknown): void {
  const input = type as ValidatedInput | undefined;
  if (!input?.schema || value === null || value === undefined) return;
  const result = input.schema.safeParse(value);
  if (result.success) {
    // Normalised values (trimmed, lower-cased) replace what the client sent.
    Object.assign(value as object, result.data);
    return;
  }
  const issue = result.error.issues[0];
  if (!issue) return;
  const field = [input.argName ?? 'input', ...issue.path.map(String)].join('.');
  throw new AppError('BAD_USER_INPUT', `${field}: ${issue.message}`, field);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `@Arg('id', () => ID, uuidArg('id'))`: an id this API issued (a UUID) or BAD_USER_INPUT naming the
 * argument, before any query sees it (PostgreSQL would otherwise answer with its own message).
 */
export function uuidArg(name: string): { validateFn: (value: unknown) => void } {
  return {
    validateFn(value) {
      const values = Array.isArray(value) ? value : [value];
      values.forEach((item, index) => {
        if (item === null || item === undefined || (typeof item === 'string' && UUID.test(item))) return;
        const field = Array.isArray(value) ? `${name}.${index}` : name;
        throw new AppError('BAD_USER_INPUT', `${field}: must be an id this API issued`, field);
      });
    },
  };
}
