import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Orm } from '../db/orm.js';
import { InvalidRequest } from '../errors/index.js';
import { endUserBody } from '../http/body.js';
import { clientIp, noControl } from '../http/end-user-input.js';
import { SignInService, type SignInDeps } from './sign-in.service.js';

const SignInBody = z.object({
  email: z.string().min(1).max(254).refine(noControl, 'must not contain control characters'),
  password: z.string().min(1).max(1024).refine(noControl, 'must not contain control characters'),
});

/** `POST /auth/sign-in`: a password sign-in through the local store and the pools in order. */
export function signInRouter(orm: Orm, deps: SignInDeps): express.Router {
  const router = express.Router();

  router.post('/auth/sign-in', ...endUserBody, async (req: Request, res: Response) => {
    const parsed = SignInBody.safeParse(req.body);
    if (!parsed.success) throw new InvalidRequest(`${parsed.error.issues[0]!.path.join('.') || 'body'}: is required`);
    const tokens = await new SignInService(orm.em.fork(), deps).signIn({ ...parsed.data, ip: clientIp(req) });
    res.set('Cache-Control', 'no-store').json(tokens);
  });
  return router;
}
