import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Orm } from '../db/orm.js';
import { InvalidRequest } from '../errors/index.js';
import { endUserBody } from '../http/body.js';
import { SignInService, type SignInDeps } from './sign-in.service.js';

// Control characters (NUL first: PostgreSQL refuses it in text) are never part of an email or a password.
export const noControl = (value: string) => ![...value].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f);
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
    const tokens = await new SignInService(orm.em.fork(), deps).signIn({ ...parsed.data, ip: req.ip ?? req.socket.remoteAddress ?? 'unknown' });
    res.set('Cache-Control', 'no-store').json(tokens);
  });
  return router;
}
