import type { CombinedError } from 'urql';

export interface ApiErrors {
  /** Messages by input field (extensions.field), shown next to that field. */
  fields: Record<string, string>;
  /** Messages no field claims, shown above the form. */
  general: string[];
}

/** Splits a GraphQL error by the field it names (BAD_USER_INPUT with extensions.field) and the rest. */
export function apiErrors(error: CombinedError | undefined | null): ApiErrors {
  const result: ApiErrors = { fields: {}, general: [] };
  if (!error) return result;
  if (error.networkError && !error.graphQLErrors.length) result.general.push(`The server could not be reached: ${error.networkError.message}`);
  for (const e of error.graphQLErrors) {
    const field = e.extensions?.field;
    const code = typeof e.extensions?.code === 'string' ? e.extensions.code : undefined;
    const text = code && code !== 'BAD_USER_INPUT' ? `${e.message} (${code})` : e.message;
    if (typeof field === 'string' && !(field in result.fields)) result.fields[field] = e.message;
    else result.general.push(text);
  }
  return result;
}

/** Whether an error's field is the form field `name`: `name`, `input.name`, `input.settings.name`, or an item of it (`input.name.0`). */
export function fieldMatches(field: string, name: string): boolean {
  const path = `.${field.replace(/\[(\d+)\]/g, '.$1')}`;
  return path.endsWith(`.${name}`) || path.includes(`.${name}.`);
}

/** The message for a form field (see fieldMatches), without the field's name the server puts in front. */
export function fieldError(errors: ApiErrors, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const [field, message] of Object.entries(errors.fields)) {
      if (fieldMatches(field, name)) return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
    }
  }
  return undefined;
}
