import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { purgeExpiredRows, type PurgeOptions } from './purge.js';

/**
 * Runs the purge of expired rows on every node every `intervalMs` (0: never), the first time a random
 * part of that after start, so nodes started together do not purge together. A failed run is logged
 * and retried at the next tick; it never stops the server.
 */
export function schedulePurge(em: () => EntityManager, options: PurgeOptions, logger: Logger, intervalMs: number): { stop(): Promise<void> } {
  if (intervalMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = () => {
    // Inside the chain: even a synchronous failure (no connection to fork from) is caught and logged.
    running = Promise.resolve()
      .then(() => purgeExpiredRows(em(), options))
      .then((deleted) => {
        const total = Object.values(deleted).reduce((sum, n) => sum + n, 0);
        if (total) logger.info({ deleted }, 'purged expired rows');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'purging expired rows failed; retrying at the next interval'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  timer = setTimeout(tick, Math.floor(Math.random() * intervalMs)).unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
