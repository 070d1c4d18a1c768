import type { RequestHandler } from 'express';
import type { AdminActor } from '../admin-keys/admin-key.service.js';
import { AdminKeyService } from '../admin-keys/admin-key.service.js';
import type { Orm } from '../db/orm.js';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { AppError } from '../errors/index.js';
import { SERVICE_UNAVAILABLE_MESSAGE } from '../graphql/errors.js';

/** The admin behind the request, set by adminAuth. */
export const actorOf = (locals: Record<string, unknown>): AdminActor => locals.actor as AdminActor;

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/;

/** Every admin GraphQL operation needs a valid admin key; without one: HTTP 401, UNAUTHENTICATED. */
export function adminAuth(orm: Orm): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    let actor: AdminActor | null;
    try {
      actor = match ? await new AdminKeyService(orm.em.fork()).authenticate(match[1]!) : null;
    } catch (error) {
      // The key could not be checked: an outage answered in GraphQL's shape, as a resolver's would be (graphql/errors.ts).
      if (!isDatabaseUnavailable(error)) throw error;
      return next(new AppError('SERVICE_UNAVAILABLE', SERVICE_UNAVAILABLE_MESSAGE, undefined, { cause: error }));
    }
    if (!actor) return next(new AppError('UNAUTHENTICATED', 'a valid admin key is required: Authorization: Bearer <key>'));
    res.locals.actor = actor;
    next();
  };
}
