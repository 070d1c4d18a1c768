import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Orm } from '../db/orm.js';
import { InvalidRequest } from '../errors/index.js';
import { endUserBody } from '../http/body.js';
import { noControl } from '../sign-in/routes.js';
import type { CredentialDeps } from './local-credentials.js';
import { changePassword } from './password-change.js';

const secret = z.string().min(1).max(1024).refine(noControl, 'must not contain control characters');
const ChangeBody = z.object({ current_password: secret, new_password: secret });

/** The body's fields, or `400 invalid_request` naming the first that is missing or malformed. */
function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new InvalidRequest(`${parsed.error.issues[0]!.path.join('.') || 'body'}: is missing or malformed`);
  return parsed.data;
}

const clientIp = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

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
  return router;
}
