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

/** The message for a field, matching `input.name`, `name` or a nested `settings.sync.intervalMinutes`. */
export function fieldError(errors: ApiErrors, ...names: string[]): string | undefined {
  for (const name of names) {
    for (const [field, message] of Object.entries(errors.fields)) {
      if (field === name || field.endsWith(`.${name}`)) return message;
    }
  }
  return undefined;
}
