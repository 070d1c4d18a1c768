import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { ApiError, AppError, NotFound, RequestTooLarge, TemporarilyUnavailable, UnreadableBody } from '../errors/index.js';
import type { Logger } from '../logger.js';

/**
 * The one place that turns errors into HTTP responses (outside Apollo, whose formatError does the
 * same for GraphQL): an `ApiError` as OAuth-style JSON, or as a redirect back to the app once a route
 * has said where errors may go; an `AppError` raised before GraphQL runs (the admin key check) in
 * GraphQL's own shape; body-parser's refusals as the client errors they are; anything else logged and
 * answered with a bare 500, no message.
 */

/** Where errors go back to the app: a redirect URI the route has already checked is registered. */
export interface RedirectTarget {
  redirectUri: string;
  state: string | null;
}

/** From here on, this request's ApiErrors are redirects to `target` (never to an unchecked URI: no open redirect). */
export function redirectErrorsTo(res: Response, target: RedirectTarget): void {
  res.locals.errorRedirect = target;
}

const ADMIN_STATUS: Partial<Record<AppError['code'], number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, SERVICE_UNAVAILABLE: 503 };

/** body-parser's refusals by type: the client's mistakes, never an error log line. */
const BODY_ERRORS: Record<string, string> = {
  'entity.parse.failed': 'the body is not valid JSON',
  'charset.unsupported': 'unsupported charset',
  'encoding.unsupported': 'unsupported content-encoding',
  'parameters.too.many': 'too many parameters',
  'request.aborted': 'the request was aborted',
  'request.size.invalid': 'the body does not match its content-length',
  'stream.encoding.set': 'the body cannot be read',
};

interface BodyParserError {
  status?: number;
  type?: string;
  expose?: boolean;
}

/** A body-parser error as an ApiError that keeps body-parser's own status (413, 415, 400). */
function fromBodyParser(error: BodyParserError): ApiError | undefined {
  if (error.type === 'entity.too.large') return new RequestTooLarge('the request body is too large', { cause: error });
  if (!error.expose || typeof error.status !== 'number' || error.status < 400 || error.status >= 500) return undefined;
  return new UnreadableBody(error.status, BODY_ERRORS[error.type ?? ''] ?? 'the request body cannot be read', { cause: error });
}

function renderJson(res: Response, error: ApiError): void {
  if (error.retryAfterSeconds) res.set('Retry-After', String(error.retryAfterSeconds));
  if (error.code === 'invalid_token') res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
  res
    .status(error.status)
    .set('Cache-Control', 'no-store')
    .json({ ...error.publicDetails, error: error.code, error_description: error.message });
}

/** RFC 6749 §4.1.2.1: the error, its description and the app's state as query parameters. */
function renderRedirect(res: Response, target: RedirectTarget, error: ApiError): void {
  const url = new URL(target.redirectUri);
  url.searchParams.set('error', error.code === 'source_unavailable' ? 'temporarily_unavailable' : error.code);
  url.searchParams.set('error_description', error.message);
  if (target.state) url.searchParams.set('state', target.state);
  res.redirect(302, url.toString());
}

function renderAdmin(res: Response, error: AppError): void {
  if (error.code === 'UNAUTHENTICATED') res.set('WWW-Authenticate', 'Bearer realm="tributary-admin"');
  res.status(ADMIN_STATUS[error.code] ?? 400).json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFound('no such route'));

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const api = error instanceof ApiError ? error : fromBodyParser(error as BodyParserError);
    if (api) {
      const target = res.locals.errorRedirect as RedirectTarget | undefined;
      return target ? renderRedirect(res, target, api) : renderJson(res, api);
    }
    if (error instanceof AppError) return renderAdmin(res, error);
    if (isDatabaseUnavailable(error)) {
      // An outage, not a bug: the client may retry, and the pool reconnects once PostgreSQL is back.
      logger.warn({ err: error }, 'the database is unreachable; answered 503');
      return renderJson(res, new TemporarilyUnavailable('the service is temporarily unavailable; try again shortly', { retryAfterSeconds: 1 }));
    }
    logger.error({ err: error }, 'unhandled error in an HTTP request');
    res.status(500).json({ error: 'internal_error' });
  };
}
