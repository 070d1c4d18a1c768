/**
 * Whether an error means the database could not be reached or is restarting, rather than a query that
 * failed: such a request is answered `503` (try again), never `500`, and the `pg` pool replaces the
 * broken connection by itself. `pg` gives socket errors their errno code, PostgreSQL its SQLSTATE
 * (class 08: connection exception; 57P01-57P03: shutting down, crashed, starting up); MikroORM wraps
 * either, keeping the code or the original as `cause`.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P02', '57P03']);
// The pool's own messages for a connection that ended or never came: they carry no code.
const POOL_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code.startsWith('08'))) return true;
    if (POOL_MESSAGES.test(current.message)) return true;
  }
  return false;
}
