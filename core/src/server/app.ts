import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import type { PoolSource } from '@tributary/plugin-kit';
import { AdminKeyService } from '../admin-keys/admin-key.service.js';
import type { Config } from '../config.js';
import { openDatabase, withStartupLock, type Database } from '../db/database.js';
import type { GraphQLContext } from '../graphql/context.js';
import { createFormatError, unavailableStatus } from '../graphql/errors.js';
import { queryLimits } from '../graphql/limits.js';
import { adminSchema } from './graphql-schema.js';
import { drainable } from './drain.js';
import { createHttpApp } from './http-app.js';
import { createMetrics, serveMetrics } from './metrics.js';
import { createLogger, type Logger } from '../logger.js';
import { JobQueue } from '../jobs/job-queue.js';
import { Mailer } from '../mail/mailer.js';
import { builtinSources } from '../pools/builtin-sources.js';
import { PoolBreakers } from '../pools/pool-breakers.js';
import { PoolConnector } from '../pools/pool-connector.js';
import { SourceRegistry } from '../pools/source-registry.js';
import { scriptChecker } from '../prehooks/check-code.js';
import { loadActivePrehooks, PrehookCache } from '../prehooks/prehook-cache.js';
import { PrehookRunLog } from '../prehooks/run-log.js';
import { PrehookRunner } from '../prehooks/runner.js';
import customCode from '@tributary/plugin-custom-code';
import { Sandbox, type SandboxOptions } from '@tributary/sandbox';
import { SecretBox } from '../secrets/secret-box.js';
import { resolveSecretKey } from '../secrets/secret-key.js';
import type { AppDeps } from './services.js';
import { FailureFloor } from '../sign-in/failure-floor.js';
import { signInRouter } from '../sign-in/routes.js';
import { registrationRouter } from '../self-service/registration-routes.js';
import { credentialRouter } from '../self-service/credential-routes.js';
import { federationRouter, type FederationDeps } from '../federation/routes.js';
import { OpenIdProvider } from '../openid-provider/provider.js';
import { openIdRouter } from '../openid-provider/routes.js';
import { tokenRouter } from '../tokens/routes.js';
import { ACCESS_TOKEN_TTL_S, TokenService } from '../tokens/token.service.js';
import { SigningKeys } from '../tokens/signing-keys.js';

export interface StartOptions {
  config: Config;
  /** Sources besides the built-in ones and TRIBUTARY_PLUGINS (tests register fixtures here). */
  sources?: PoolSource[];
  logger?: Logger;
  onQuery?: (sql: string) => void;
  /** Milliseconds since the epoch for token times and signing-key activation (tests move it). */
  clock?: () => number;
  /** Sandbox options, such as the resolver behind scripts' fetch (tests answer names themselves). */
  sandbox?: SandboxOptions;
}

export interface RunningApp {
  url: string;
  database: Database;
  deps: AppDeps;
  keys: SigningKeys;
  /** Printed once by the entry point when this start created the first admin key. */
  bootstrapKey: string | undefined;
  /** `GET /metrics` on 127.0.0.1, when TRIBUTARY_METRICS_PORT is set. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

/** Creates the first admin key on an empty database (or takes TRIBUTARY_BOOTSTRAP_ADMIN_KEY). */
async function bootstrapAdminKey(database: Database, config: Config): Promise<string | undefined> {
  return withStartupLock(database.url, async () => {
    const keys = new AdminKeyService(database.orm.em.fork());
    if ((await keys.count()) > 0) return undefined;
    const { key } = await keys.create('bootstrap', config.bootstrapAdminKey);
    return key;
  });
}

export async function startApp(options: StartOptions): Promise<RunningApp> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  // custom-code is wired here rather than with the other built-ins: it runs on the sandbox core owns.
  const sources = new SourceRegistry([...builtinSources, customCode, ...(options.sources ?? [])]);
  await sources.load(config.plugins);
  const database = await openDatabase(config, logger, { onQuery: options.onQuery });
  let server: Server | undefined;
  let metrics: ReturnType<typeof createMetrics> | undefined;
  try {
    const box = new SecretBox(resolveSecretKey(config, logger));
    const sandbox = new Sandbox(options.sandbox);
    const breakers = new PoolBreakers({ failures: config.breakerFailures, halfOpenAfterMs: config.breakerHalfOpenMs }, (pool, state) =>
      logger[state === 'open' ? 'warn' : 'info']({ pool, state }, 'pool circuit breaker'),
    );
    const connector = new PoolConnector(sources, box, logger, { sandbox }, breakers);
    const runLog = new PrehookRunLog(() => database.orm.em.fork(), logger);
    const prehooks = new PrehookRunner(sandbox, new PrehookCache(() => loadActivePrehooks(database.orm.em.fork())), runLog, logger);
    const mailer = new Mailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, embedded: !config.databaseUrl, logger });
    const jobs = new JobQueue({
      url: database.url,
      em: () => database.orm.em.fork(),
      connector,
      box,
      logger,
      purge: { auditRetentionDays: config.auditRetentionDays, intervalMinutes: config.purgeIntervalMinutes },
      mailer,
    });
    const deps: AppDeps = { logger, sources, box, connector, sandbox, checkCode: scriptChecker(sandbox), prehooks, jobs };
    const bootstrapKey = await bootstrapAdminKey(database, config);
    const keys = new SigningKeys(() => database.orm.em.fork(), box, ACCESS_TOKEN_TTL_S * 1000, options.clock);
    await withStartupLock(database.url, () => keys.ensure());

    const apollo = new ApolloServer<GraphQLContext>({
      schema: await adminSchema(),
      formatError: createFormatError(logger, config.env === 'development'),
      plugins: [unavailableStatus],
      validationRules: queryLimits,
      includeStacktraceInErrorResponses: false,
    });
    await apollo.start();
    // The issuer is the public URL when configured, else where this node listens (known after listen).
    const issuer = { url: config.publicUrl ?? '' };
    const tokens = new TokenService(keys, () => issuer.url, { api: config.tokenAudience, app: config.appClientId }, options.clock);
    const signInDeps = { connector, tokens, logger, prehooks, failureFloor: new FailureFloor(config.signInFailureFloorMs) };
    const federation: FederationDeps = {
      connector,
      box,
      logger,
      prehooks,
      redirectUris: config.redirectUris,
      allowCodeFlowWithoutPkce: config.allowCodeFlowWithoutPkce,
      callbackUrl: () => `${issuer.url}/auth/federation/callback`,
    };
    // Tributary as an OpenID Provider: its hosted login runs the sign-in pipeline of POST /auth/sign-in (its failure floor too).
    const openIdProvider = new OpenIdProvider({
      em: () => database.orm.em.fork(),
      keys,
      box,
      logger,
      prehooks,
      issuer: () => issuer.url,
      tokenAudience: config.tokenAudience,
      allowCodeFlowWithoutPkce: config.allowCodeFlowWithoutPkce,
      behindProxy: config.trustProxy.length > 0,
    });
    const routers = [
      signInRouter(database.orm, signInDeps),
      credentialRouter(database.orm, { ...signInDeps, box }),
      registrationRouter(database.orm, { box, logger, prehooks }),
      tokenRouter(database.orm, { tokens, keys, prehooks }),
      federationRouter(database.orm, federation),
      openIdRouter(database.orm, { provider: openIdProvider, box, issuer: () => issuer.url, signIn: signInDeps, federation }),
    ];
    const app = createHttpApp({ orm: database.orm, deps, apollo, logger, routers, trustProxy: config.trustProxy });
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, config.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
    await jobs.start();
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host}:${port}`;
    issuer.url ||= url;
    const drain = drainable(server);
    const live = config.metricsPort === undefined ? undefined : createMetrics({ breakers, database });
    metrics = live;
    const metricsServer = live && (await serveMetrics(live.registry, config.metricsPort!, logger));
    return {
      url,
      database,
      deps,
      keys,
      bootstrapKey,
      metricsUrl: metricsServer?.url,
      async close() {
        // In-flight requests first, then the job workers and everything they use.
        await drain(config.shutdownGraceMs);
        await jobs.stop();
        mailer.close();
        await apollo.stop();
        await connector.closeAll();
        await runLog.flush();
        sandbox.dispose();
        await metricsServer?.close();
        live?.stop();
        await database.close();
      },
    };
  } catch (error) {
    metrics?.stop();
    server?.close();
    await database.close();
    throw error;
  }
}
