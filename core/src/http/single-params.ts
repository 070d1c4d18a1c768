/**
 * The name of the first parameter that is not one plain string, if any. OAuth parameters appear at
 * most once (RFC 6749 §3.1); express parses a repeated one into an array (and a JSON body into any
 * type), which code reading "a string or nothing" takes for absent: `code_challenge` given twice
 * would silently drop PKCE. Such a request is refused, never guessed at.
 */
export function nonSingleParam(params: unknown): string | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  return Object.entries(params).find(([, value]) => typeof value !== 'string')?.[0];
}
