import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError } from '../errors/index.js';
import type { Logger } from '../logger.js';

/**
 * The one place that turns errors into GraphQL responses. Domain errors keep their code and
 * field; GraphQL's own (parse, validation, variable coercion) keep theirs; the database being
 * unreachable is SERVICE_UNAVAILABLE (try again; `unavailableStatus` makes the answer a 503); anything
 * else is logged and answered with a bare INTERNAL_SERVER_ERROR: no message, no stack.
 */
export function createFormatError(logger: Logger, exposeInternals: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original.field) extensions.field = original.field;
      return { message: original.message, path: formatted.path, locations: formatted.locations, extensions };
    }
    if (original instanceof UniqueConstraintViolationException) {
      return { message: 'the value conflicts with an existing record', path: formatted.path, extensions: { code: 'CONFLICT' } };
    }
    if (isDatabaseUnavailable(original)) {
      // An outage, not a bug: the pool reconnects by itself once PostgreSQL is back.
      logger.warn({ err: original }, 'the database is unreachable; a GraphQL field answered SERVICE_UNAVAILABLE');
      return { message: SERVICE_UNAVAILABLE_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: SERVICE_UNAVAILABLE } };
    }
    const code = formatted.extensions?.code;
    // GraphQL's own errors (parse, validation, query limits, variable coercion) are the client's to read.
    const graphqlOwn = original instanceof GraphQLError && !original.originalError;
    if (graphqlOwn || (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR')) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return {
        ...formatted,
        extensions: { ...extensions, code: typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' ? code : 'GRAPHQL_VALIDATION_FAILED' },
      };
    }
    logger.error({ err: original }, 'unexpected error in a GraphQL operation');
    return {
      message: exposeInternals && original instanceof Error ? original.message : 'Internal server error',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/** The `extensions.code` an error thrown by a resolver is answered with. */
export function errorCode(error: unknown): string {
  const original = unwrapResolverError(error);
  if (original instanceof AppError) return original.code;
  if (original instanceof UniqueConstraintViolationException) return 'CONFLICT';
  if (isDatabaseUnavailable(original)) return SERVICE_UNAVAILABLE;
  const code = original instanceof GraphQLError ? original.extensions.code : undefined;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';
export const SERVICE_UNAVAILABLE_MESSAGE = 'the service is temporarily unavailable; try again shortly';

/**
 * An Apollo plugin: an answer with a SERVICE_UNAVAILABLE error (the database unreachable) is an HTTP 503
 * with Retry-After, as the end-user API answers an outage, so proxies and clients retry it as one. Apollo
 * reads `extensions.http` only from errors thrown as GraphQLErrors, not from the ORM's: the status is
 * set here, once the errors are formatted.
 */
export const unavailableStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const { body } = response;
        if (body.kind !== 'single' || !body.singleResult.errors?.some((error) => error.extensions?.code === SERVICE_UNAVAILABLE)) return;
        response.http.status = 503;
        response.http.headers.set('retry-after', '1');
      },
    };
  },
};
