/**
 * The admin API's errors. Services throw these; GraphQL's formatError (graphql/errors.ts) turns them
 * into `extensions.code`, and the express error handler (http/error-handler.ts) renders the ones
 * raised before GraphQL runs (the admin key check) in the same shape. The end-user API has its own
 * family, api-errors.ts.
 */
export type AppErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'SOURCE_UNAVAILABLE' | 'SERVICE_UNAVAILABLE';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Dotted path of the offending input field, for BAD_USER_INPUT. */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const badInput = (field: string, message: string): AppError => new AppError('BAD_USER_INPUT', `${field}: ${message}`, field);
export const notFound = (what: string, id: string): AppError => new AppError('NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`);
export const conflict = (message: string, field?: string): AppError => new AppError('CONFLICT', message, field);
export const forbidden = (message: string): AppError => new AppError('FORBIDDEN', message);
