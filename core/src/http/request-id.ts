import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '../logger.js';

/** What we echo: short, printable, no spaces or separators a log or a header parser could trip on. */
const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id, sent back as `x-request-id` and carried by each log line written while
 * serving it. A proxy in TRIBUTARY_TRUST_PROXY may bring its own (so one id follows a request across
 * tiers); anyone else's is replaced, or a client could plant ids that collide with other requests'.
 */
export function requestIds(req: Request, res: Response, next: NextFunction): void {
  const offered = req.get('x-request-id');
  const trusted = req.app.get('trust proxy fn') as (address: string | undefined, hop: number) => boolean;
  const requestId = offered && SANE.test(offered) && trusted(req.socket.remoteAddress, 0) ? offered : randomUUID();
  res.set('x-request-id', requestId);
  requestContext.run({ requestId }, next);
}
