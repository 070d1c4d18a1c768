import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import express, { type Request, type Response } from 'express';
import { SourceError, type FederationConnection } from '@tributary/plugin-kit';
import { AuditLog } from '../audit/audit.service.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../logger.js';
import type { PoolConnector } from '../pools/pool-connector.js';
import { findPool, getPool } from '../pools/pool.repository.js';
import type { UserPool } from '../pools/pool.entity.js';
import { isRegisteredRedirectUri } from '../app-clients/app-client.repository.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { SignInPrehooks } from '../prehooks/sign-in-hooks.js';
import type { PrehookRunner } from '../prehooks/runner.js';
import { AccessDenied, ApiError, InvalidRequest, TemporarilyUnavailable } from '../errors/index.js';
import { redirectErrorsTo } from '../http/error-handler.js';
import { nonSingleParam } from '../http/single-params.js';
import { touchLastSignIn } from '../users/user.repository.js';
import { normaliseEmail } from '../users/user.service.js';
import { federatedUser } from './federated-user.js';
import { claimFlow, insertFlow } from './federation-flow.repository.js';
import { issueAuthorizationCode, pkceChallenge } from '../tokens/authorization-codes.js';

export interface FederationDeps {
  connector: PoolConnector;
  box: SecretBox;
  logger: Logger;
  /** The app redirect URIs allowed (TRIBUTARY_REDIRECT_URIS), compared exactly. */
  redirectUris: readonly string[];
  /** Tributary's one callback URL for every IdP pool. */
  callbackUrl: () => string;
  /** The admin's prehooks (beforeSignIn, beforeUserCreate, afterAuthentication; beforeTokenIssue runs at the code exchange). */
  prehooks?: PrehookRunner;
  /** TRIBUTARY_ALLOW_CODE_FLOW_WITHOUT_PKCE: apps may start a flow without a PKCE challenge. */
  allowCodeFlowWithoutPkce?: boolean;
}

const FLOW_TTL_SECONDS = 600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const random = (): string => randomBytes(32).toString('base64url');
const text = (value: unknown, max = 512): string | null => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null);
/** An S256 challenge is the base64url SHA-256 of the verifier: exactly 43 characters (RFC 7636 §4.2). */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** IdP federation: start at the IdP, come back to the one callback every IdP pool shares, hand the app a one-time code. */
export function federationRouter(orm: Orm, deps: FederationDeps): express.Router {
  const router = express.Router();

  router.get('/auth/federation/:poolId/start', async (req: Request, res: Response) => {
    const repeated = nonSingleParam(req.query);
    // Until the redirect URI is known to be registered, errors are answered here, never redirected (no open redirect).
    if (repeated) throw new InvalidRequest(`${repeated}: must be given once`);
    const redirectUri = text(req.query.redirect_uri, 2048);
    // An app client's redirect URIs are registered too (app-clients/); TRIBUTARY_REDIRECT_URIS stays for apps without one.
    if (!redirectUri || !(deps.redirectUris.includes(redirectUri) || (await isRegisteredRedirectUri(orm.em.fork(), redirectUri)))) {
      throw new InvalidRequest('redirect_uri is missing or not registered with Tributary');
    }
    const appState = text(req.query.state);
    redirectErrorsTo(res, { redirectUri, state: appState });
    const { code_challenge: challenge = null, code_challenge_method: method } = req.query as Record<string, string | undefined>;
    if (challenge === null && method === undefined) {
      if (!deps.allowCodeFlowWithoutPkce) throw new InvalidRequest('code_challenge is required (PKCE, S256)');
    } else if (method !== 'S256') {
      throw new InvalidRequest('code_challenge_method must be S256');
    } else if (challenge === null || !S256_CHALLENGE.test(challenge)) {
      throw new InvalidRequest('code_challenge must be the 43-character base64url SHA-256 of the code_verifier');
    }
    const poolId = String(req.params.poolId);
    const em = orm.em.fork();
    const pool = UUID.test(poolId) ? await findPool(em, poolId) : null;
    if (!pool || pool.type !== 'IDP_FEDERATION' || !pool.enabled) throw new InvalidRequest('unknown or disabled identity pool');
    const url = await startFederationFlow(em, deps, pool, { redirectUri, appState, codeChallenge: challenge });
    res.redirect(302, url.toString());
  });

  router.get('/auth/federation/callback', async (req: Request, res: Response) => {
    const em = orm.em.fork();
    const audit = new AuditLog(em, deps.logger);
    const state = text(req.query.state) ?? '';
    // Single use: the first callback with this state claims the flow; a replay or a late one finds nothing.
    const flow = await claimFlow(em, state);
    if (!flow) throw new InvalidRequest('unknown, expired or already used sign-in attempt; start again from the app');
    const appRedirect = flow.appRedirectUri;
    redirectErrorsTo(res, { redirectUri: appRedirect, state: flow.appState });
    const pool = await getPool(em, flow.poolId);
    const record = (outcome: string, details: Record<string, unknown>, userId?: string) =>
      audit.record({ actor: userId ? `user:${userId}` : 'anonymous', action: 'federated-sign-in', target: pool.id, outcome, details });
    if (req.query.error) {
      await record('idp_error', { error: text(req.query.error, 64) });
      throw new AccessDenied('the identity provider did not sign the user in');
    }
    try {
      const connection = (await deps.connector.connect(pool)) as FederationConnection;
      const identity = await connection.handleCallback({
        url: new URL(req.originalUrl, deps.callbackUrl()),
        redirectUri: deps.callbackUrl(),
        state,
        nonce: flow.nonce,
        codeVerifier: deps.box.open(flow.sealedCodeVerifier, state),
      });
      const hooks = new SignInPrehooks(deps.prehooks, em, req.ip ?? '');
      await hooks.beforeSignIn(normaliseEmail(identity.email), null);
      const { user, details } = await federatedUser(em, pool, identity, hooks);
      if (user.status !== 'ACTIVE') throw new AccessDenied('the account is disabled or not activated');
      await hooks.afterAuthentication(user, pool, details.firstSignIn === true);
      const code = await issueAuthorizationCode(em, {
        userId: user.id,
        pool: pool.id,
        amr: ['fed'],
        redirectUri: appRedirect,
        codeChallenge: flow.appCodeChallenge,
      });
      await touchLastSignIn(em, user.id);
      await record('ok', { email: user.email, ...details }, user.id);
      const target = new URL(appRedirect);
      target.searchParams.set('code', code);
      if (flow.appState) target.searchParams.set('state', flow.appState);
      res.redirect(302, target.toString());
    } catch (error) {
      await record(error instanceof ApiError || error instanceof SourceError ? error.code : 'error', {
        reason: error instanceof ApiError || error instanceof SourceError ? error.message : 'unexpected',
        ...(error instanceof ApiError ? error.details : {}),
      });
      if (error instanceof ApiError) throw error;
      if (error instanceof SourceError && error.unavailable) {
        throw new TemporarilyUnavailable('the identity provider cannot be reached; try again later', { cause: error });
      }
      if (!(error instanceof SourceError)) deps.logger.error({ err: error, pool: pool.id }, 'federated sign-in failed');
      throw new AccessDenied('the sign-in could not be completed', { cause: error });
    }
  });
  return router;
}

export interface FlowTarget {
  /** Where the callback sends the one-time code; the caller has checked it is allowed. */
  redirectUri: string;
  appState: string | null;
  codeChallenge: string | null;
}

/**
 * Starts a sign-in at an IdP pool and returns the IdP's URL to send the browser to. The callback
 * hands the one-time code to `target.redirectUri`: an app's (the route above), or the hosted login's
 * interaction (openid-provider/routes.ts), which redeems it like an app would.
 */
export async function startFederationFlow(em: EntityManager, deps: FederationDeps, pool: UserPool, target: FlowTarget): Promise<URL> {
  const state = random();
  const nonce = random();
  const verifier = random();
  try {
    const url = await deps.connector.call(pool, (connection) =>
      (connection as FederationConnection).authorizationUrl({ redirectUri: deps.callbackUrl(), state, nonce, codeChallenge: pkceChallenge(verifier) }),
    );
    const flow = {
      state,
      poolId: pool.id,
      nonce,
      sealedCodeVerifier: deps.box.seal(verifier, state),
      appRedirectUri: target.redirectUri,
      appState: target.appState,
      appCodeChallenge: target.codeChallenge,
    };
    await insertFlow(em, flow, FLOW_TTL_SECONDS);
    return url;
  } catch (error) {
    deps.logger.warn({ pool: pool.id, err: error }, 'could not start a federated sign-in');
    throw new TemporarilyUnavailable('the identity provider cannot be reached; try again later', { cause: error });
  }
}
