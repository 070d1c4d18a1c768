import type { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { Orm } from '../db/orm.js';
import { createLoaders, type GraphQLContext } from '../graphql/context.js';
import { MAX_BODY_BYTES } from '../graphql/limits.js';
import type { Logger } from '../logger.js';
import { createServices, type AppDeps } from './services.js';
import { actorOf, adminAuth } from './admin-auth.js';
import { errorHandler, notFoundHandler } from '../http/error-handler.js';
import { requestIds } from '../http/request-id.js';
import { adminConsole } from './admin-console.js';

export interface HttpAppOptions {
  orm: Orm;
  deps: AppDeps;
  apollo: ApolloServer<GraphQLContext>;
  logger: Logger;
  /** Extra routers (sign-in, tokens, federation) mounted by their domains. */
  routers?: express.Router[];
  trustProxy?: string[];
  /** The admin console's built files, served at /admin (default: console/dist of this checkout). */
  consoleDir?: string;
}

export function createHttpApp({ orm, deps, apollo, logger, routers = [], trustProxy = [], consoleDir }: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Throttling keys on the client address: only named proxies may say who the client is, or any
  // caller could pick a fresh address per attempt with a forged X-Forwarded-For.
  app.set('trust proxy', trustProxy.length ? trustProxy : false);
  app.use(requestIds);

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
  app.use(adminConsole(consoleDir));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
