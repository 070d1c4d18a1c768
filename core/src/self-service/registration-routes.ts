import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Orm } from '../db/orm.js';
import { endUserBody } from '../http/body.js';
import { clientIp, noControl, parseBody as parse } from '../http/end-user-input.js';
import { sendActivation, verifyActivation } from './activation.js';
import { register, type RegistrationDeps } from './registration.js';

const email = z.email('must be an email address').max(254);
const RegisterBody = z.object({
  pool_id: z.uuid('must be a pool id'),
  email,
  password: z.string().min(1).max(1024).refine(noControl, 'must not contain control characters'),
  payload: z.record(z.string(), z.unknown()).default({}),
});
const SendBody = z.object({ email: z.string().min(1).max(254) });
const VerifyBody = z.object({ email: z.string().min(1).max(254), code: z.string().min(1).max(32) });

/** Self-registration into NATIVE pools and activation by mailed code (DESIGN §10). */
export function registrationRouter(orm: Orm, deps: RegistrationDeps): express.Router {
  const router = express.Router();

  router.post('/auth/register', ...endUserBody, async (req: Request, res: Response) => {
    const body = parse(RegisterBody, req.body);
    const result = await register(orm.em.fork(), deps, {
      poolId: body.pool_id,
      email: body.email,
      password: body.password,
      payload: body.payload,
      ip: clientIp(req),
    });
    res.status(201).set('Cache-Control', 'no-store').json(result);
  });

  router.post('/auth/activation/send', ...endUserBody, async (req: Request, res: Response) => {
    const body = parse(SendBody, req.body);
    // Answered before the work: neither the answer nor its timing tells whether the email has an account.
    res.status(202).set('Cache-Control', 'no-store').end();
    await sendActivation(orm.em.fork(), deps, { email: body.email, ip: clientIp(req) }).catch((error: unknown) =>
      deps.logger.error({ err: error }, 'activation code not sent'),
    );
  });

  router.post('/auth/activation/verify', ...endUserBody, async (req: Request, res: Response) => {
    const body = parse(VerifyBody, req.body);
    const result = await verifyActivation(orm.em.fork(), deps, { email: body.email, code: body.code, ip: clientIp(req) });
    res.set('Cache-Control', 'no-store').json(result);
  });
  return router;
}
