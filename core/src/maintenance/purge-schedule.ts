import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { purgeExpiredRows, type PurgeOptions } from './purge.js';

export const PURGE_INTERVAL_MS = 10 * 60_000;

/**
 * Runs the purge of expired rows on every node, every ten minutes, the first time a random part of that
 * after start (nodes started together do not purge together). A failed run is logged and retried at the
 * next tick; it never stops the server.
 */
export function schedulePurge(em: () => EntityManager, options: PurgeOptions, logger: Logger, intervalMs = PURGE_INTERVAL_MS): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = () => {
    running = purgeExpiredRows(em(), options)
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
