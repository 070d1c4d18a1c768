import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Orm } from '../db/orm.js';
import { endUserBody } from '../http/body.js';
import { clientIp, noControl, parseBody as parse } from '../http/end-user-input.js';
import type { CredentialDeps } from './local-credentials.js';
import { verifyOtpSignIn, startOtpSignIn } from './otp-sign-in.js';
import { changePassword } from './password-change.js';
import { finishPasswordReset, startPasswordReset } from './password-reset.js';

const secret = z.string().min(1).max(1024).refine(noControl, 'must not contain control characters');
const ChangeBody = z.object({ current_password: secret, new_password: secret });
const email = z.string().min(1).max(254).refine(noControl, 'must not contain control characters');
const code = z.string().min(1).max(32);
const StartBody = z.object({ email });
const ResetBody = z.object({ email, code, new_password: secret });
const VerifyBody = z.object({ email, code });

/** RFC 6750 §2.1: `Authorization: Bearer <token>`; anything else is no token. */
function bearer(req: Request): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.get('authorization') ?? '');
  return match?.[1];
}

/** The end user's own credentials: password change and reset, one-time-code sign-in. */
export function credentialRouter(orm: Orm, deps: CredentialDeps): express.Router {
  const router = express.Router();

  router.post('/auth/password/change', ...endUserBody, async (req: Request, res: Response) => {
    const body = parse(ChangeBody, req.body);
    await changePassword(orm.em.fork(), deps, {
      accessToken: bearer(req),
      currentPassword: body.current_password,
      newPassword: body.new_password,
      ip: clientIp(req),
    });
    res.status(204).set('Cache-Control', 'no-store').end();
  });

  /** `202` at once, then `work`: neither the answer nor its timing tells whether the email has an account. */
  const answerFirst = (what: string, work: (request: { email: string; ip: string }) => Promise<void>) => async (req: Request, res: Response) => {
    const { email } = parse(StartBody, req.body);
    res.status(202).set('Cache-Control', 'no-store').end();
    await work({ email, ip: clientIp(req) }).catch((error: unknown) => deps.logger.error({ err: error }, `${what} not sent`));
  };

  router.post(
    '/auth/password/reset/start',
    ...endUserBody,
    answerFirst('password reset code', (request) => startPasswordReset(orm.em.fork(), deps, request)),
  );

  router.post('/auth/password/reset/finish', ...endUserBody, async (req: Request, res: Response) => {
    const body = parse(ResetBody, req.body);
    await finishPasswordReset(orm.em.fork(), deps, { email: body.email, code: body.code, newPassword: body.new_password, ip: clientIp(req) });
    res.status(204).set('Cache-Control', 'no-store').end();
  });

  router.post(
    '/auth/otp/start',
    ...endUserBody,
    answerFirst('sign-in code', (request) => startOtpSignIn(orm.em.fork(), deps, request)),
  );

  router.post('/auth/otp/verify', ...endUserBody, async (req: Request, res: Response) => {
    const body = parse(VerifyBody, req.body);
    const tokens = await verifyOtpSignIn(orm.em.fork(), deps, { email: body.email, code: body.code, ip: clientIp(req) });
    res.set('Cache-Control', 'no-store').json(tokens);
  });
  return router;
}
