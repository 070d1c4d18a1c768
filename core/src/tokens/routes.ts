import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { Orm } from '../db/orm.js';
import { ApiError, InvalidGrant, InvalidRequest, UnsupportedGrantType } from '../errors/index.js';
import { endUserBody } from '../http/body.js';
import { nonSingleParam } from '../http/single-params.js';
import type { PrehookRunner } from '../prehooks/runner.js';
import { SignInPrehooks } from '../prehooks/sign-in-hooks.js';
import { findTokenUser, type TokenUser } from '../users/user.repository.js';
import { redeemAuthorizationCode } from './authorization-codes.js';
import { JWKS_MAX_AGE_S, type SigningKeys } from './signing-keys.js';
import { tokenSubjectOf, type TokenService } from './token.service.js';

const RefreshBody = z.object({ grant_type: z.literal('refresh_token'), refresh_token: z.string().min(1).max(200) });
const CodeBody = z.object({
  grant_type: z.literal('authorization_code'),
  code: z.string().min(1).max(200),
  redirect_uri: z.string().min(1).max(2048),
  // RFC 7636 §4.1: 43 to 128 unreserved characters.
  code_verifier: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{43,128}$/)
    .optional(),
});

export interface TokenRouteDeps {
  tokens: TokenService;
  keys: SigningKeys;
  /** beforeTokenIssue runs at every grant, as at sign-in. */
  prehooks?: PrehookRunner;
}

/** The token endpoint (refresh and authorization-code grants) and the JWKS. */
export function tokenRouter(orm: Orm, deps: TokenRouteDeps): express.Router {
  const router = express.Router();

  router.post('/auth/token', ...endUserBody, async (req: Request, res: Response) => {
    const repeated = nonSingleParam(req.body);
    if (repeated) throw new InvalidRequest(`${repeated}: must be given once, as a string`);
    const grant = req.body?.grant_type;
    if (grant !== 'refresh_token' && grant !== 'authorization_code') throw new UnsupportedGrantType('grant_type must be refresh_token or authorization_code');
    const parsed = (grant === 'refresh_token' ? RefreshBody : CodeBody).safeParse(req.body);
    if (!parsed.success) throw new InvalidRequest(`${parsed.error.issues[0]!.path.join('.')}: is missing or malformed`);
    const em = orm.em.fork();
    const prehooks = new SignInPrehooks(deps.prehooks, em, req.ip ?? '');
    try {
      const data = parsed.data as z.infer<typeof RefreshBody> | z.infer<typeof CodeBody>;
      if (data.grant_type === 'refresh_token') {
        // Without a beforeTokenIssue prehook nothing runs between the check and the spend: the grant is one statement.
        const claims = (await prehooks.issueClaims()) ? (user: TokenUser) => prehooks.beforeGrantIssue(user) : undefined;
        res.set('Cache-Control', 'no-store').json(await deps.tokens.refresh(em, data.refresh_token, claims));
        return;
      }
      const grant = await redeemAuthorizationCode(em, data.code, data.redirect_uri, data.code_verifier);
      // No entity is built on this path.
      const user = await findTokenUser(em, grant.userId);
      if (!user || user.status !== 'ACTIVE') throw new InvalidGrant('the user can no longer sign in');
      // Every token gets the same prehook claims, whether from a sign-in, a refresh or a federation code.
      const subject = { ...tokenSubjectOf(user, grant.pool, grant.amr), claims: await prehooks.beforeGrantIssue(user) };
      res.set('Cache-Control', 'no-store').json(await deps.tokens.issue(em, subject));
    } catch (error) {
      // At the token endpoint a prehook's refusal is the grant's: the client must start over.
      if (error instanceof ApiError && !(error instanceof InvalidGrant)) throw new InvalidGrant(error.message, { cause: error });
      throw error;
    }
  });

  router.get('/.well-known/jwks.json', async (_req, res) => {
    res.set('Cache-Control', `public, max-age=${JWKS_MAX_AGE_S}`).json(await deps.keys.jwks());
  });
  return router;
}
