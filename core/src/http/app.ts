import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type ErrorRequestHandler } from 'express';
import type { Orm } from '../db/orm.js';
import { createLoaders, type GraphQLContext } from '../graphql/context.js';
import { MAX_BODY_BYTES } from '../graphql/limits.js';
import type { Logger } from '../logger.js';
import { createServices, type AppDeps } from '../services.js';
import { actorOf, adminAuth } from './admin-auth.js';

const CLIENT_ERRORS: Record<string, string> = {
  'charset.unsupported': 'unsupported charset',
  'encoding.unsupported': 'unsupported content-encoding',
  'parameters.too.many': 'too many parameters',
  'request.aborted': 'the request was aborted',
  'request.size.invalid': 'the body does not match its content-length',
  'stream.encoding.set': 'the body cannot be read',
};

export interface HttpAppOptions {
  orm: Orm;
  deps: AppDeps;
  apollo: ApolloServer<GraphQLContext>;
  logger: Logger;
  /** Extra routers (sign-in, tokens, federation) mounted by their domains. */
  routers?: express.Router[];
  trustProxy?: string[];
}

export function createHttpApp({ orm, deps, apollo, logger, routers = [], trustProxy = [] }: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Throttling keys on the client address: only named proxies may say who the client is, or any
  // caller could pick a fresh address per attempt with a forged X-Forwarded-For.
  app.set('trust proxy', trustProxy.length ? trustProxy : false);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await orm.em.fork().getConnection().execute('select 1');
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });

  app.use(
    '/graphql',
    // The key is checked before the body is read: an anonymous caller never gets a JSON parse.
    adminAuth(orm),
    express.json({ limit: MAX_BODY_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ res }: { res: express.Response }): Promise<GraphQLContext> => {
        const services = createServices(deps, orm.em.fork());
        return { actor: actorOf(res.locals), services, sources: deps.sources, loaders: createLoaders(services) };
      },
    }),
  );
  for (const router of routers) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  // The one express error handler: known client errors keep their status, the rest is a bare 500.
  const onError: ErrorRequestHandler = (error: { status?: number; type?: string; expose?: boolean }, _req, res, _next) => {
    if (error.type === 'entity.too.large') return void res.status(413).json({ error: 'request_too_large' });
    if (error.type === 'entity.parse.failed') return void res.status(400).json({ error: 'invalid_json' });
    // body-parser's other refusals (charset, content-encoding, too many parameters...) are the client's: a 4xx, never an error log line.
    if (error.expose && typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      return void res
        .status(error.status)
        .json({ error: 'invalid_request', error_description: CLIENT_ERRORS[error.type ?? ''] ?? 'the request body cannot be read' });
    }
    logger.error({ err: error }, 'unhandled error in an HTTP request');
    res.status(500).json({ error: 'internal_error' });
  };
  app.use(onError);
  return app;
}
