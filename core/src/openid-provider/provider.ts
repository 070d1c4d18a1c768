import Provider, { errors, type Configuration, type KoaContextWithOIDC, type UnknownObject } from 'oidc-provider';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiError } from '../errors/index.js';
import type { Logger } from '../logger.js';
import type { PrehookRunner } from '../prehooks/runner.js';
import { SignInPrehooks } from '../prehooks/sign-in-hooks.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { hashOpaqueToken } from '../secrets/opaque-token.js';
import { SIGNING_ALGORITHM, type SigningKeys } from '../tokens/signing-keys.js';
import { ACCESS_TOKEN_TTL_S, REFRESH_TOKEN_TTL_S, accessClaims, identityClaims, tokenSubjectOf } from '../tokens/token.service.js';
import { findTokenUser, type TokenUser } from '../users/user.repository.js';
import { logoutPage, messagePage, PAGE_HEADERS } from '../hosted-login/pages.js';
import { PostgresAdapter } from './adapter.js';
import { rememberSignIn, signInContextOf, type SignInContext } from './sign-in-context.js';

/** The provider's own endpoints, under one prefix: `/auth/...` belongs to Tributary's JSON API. */
export const PROVIDER_ROUTES = {
  authorization: '/oidc/auth',
  token: '/oidc/token',
  userinfo: '/oidc/me',
  end_session: '/oidc/session/end',
  revocation: '/oidc/token/revocation',
  // The existing JWKS route (tokens/routes.ts) answers this path first: the same keys, the same rotation.
  jwks: '/.well-known/jwks.json',
} as const;

/** Where a login's outcome waits for the resumed authorization request (see `loadExistingGrant`). */
export interface LoginResult {
  login: { accountId: string; amr: string[]; ts: number; remember: boolean };
  tributary: SignInContext;
}

export interface OpenIdProviderOptions {
  em: () => EntityManager;
  keys: SigningKeys;
  box: SecretBox;
  logger: Logger;
  prehooks?: PrehookRunner;
  /** The public URL: the issuer of every token. */
  issuer: () => string;
  /** The access tokens' audience (TRIBUTARY_TOKEN_AUDIENCE), for JWT access tokens asked for with `resource`. */
  tokenAudience: string;
  /** Confidential clients may leave out PKCE (TRIBUTARY_ALLOW_CODE_FLOW_WITHOUT_PKCE); public clients never. */
  allowCodeFlowWithoutPkce: boolean;
  /** Requests come through a proxy that names the client and the scheme (TRIBUTARY_TRUST_PROXY). */
  behindProxy: boolean;
}

/**
 * The resource indicator (RFC 8707) of Tributary's APIs: an app that sends it gets a JWT access
 * token with the claims of DESIGN §4 (the audience is TRIBUTARY_TOKEN_AUDIENCE); without it, the
 * access token is for the userinfo endpoint.
 */
export function apiResource(tokenAudience: string): string {
  try {
    return new URL(tokenAudience).href === tokenAudience ? tokenAudience : `urn:tributary:api:${encodeURIComponent(tokenAudience)}`;
  } catch {
    return `urn:tributary:api:${encodeURIComponent(tokenAudience)}`;
  }
}

/**
 * Tributary as an OpenID Provider, on panva's oidc-provider. The provider signs with the same keys as
 * the rest of Tributary (tokens/signing-keys.ts); its keystore is fixed when it is built, so a new
 * provider is built whenever the set of usable keys changes (a rotation activating, a key retiring),
 * which every node sees at the same instant. A provider holds no state of its own (all of it is in
 * PostgreSQL), so switching instances between requests loses nothing.
 */
export class OpenIdProvider {
  #current: { version: string; issuer: string; provider: Provider } | undefined;

  constructor(private readonly options: OpenIdProviderOptions) {}

  async provider(): Promise<Provider> {
    const set = await this.options.keys.signingSet();
    const issuer = this.options.issuer();
    if (this.#current?.version === set.version && this.#current.issuer === issuer) return this.#current.provider;
    const provider = this.build(issuer, set.privateJwks());
    this.#current = { version: set.version, issuer, provider };
    return provider;
  }

  private build(issuer: string, keys: object[]): Provider {
    const { options } = this;
    const resource = apiResource(options.tokenAudience);
    const configuration: Configuration = {
      adapter: (name: string) => new PostgresAdapter(name, options.em),
      findAccount: async (ctx, sub, token) => {
        const em = options.em();
        const user = await findTokenUser(em, sub);
        if (!user || user.status !== 'ACTIVE') return undefined;
        const sessionUid = (token as { sessionUid?: string } | undefined)?.sessionUid ?? ctx.oidc.session?.uid;
        const context = (sessionUid && (await signInContextOf(em, sessionUid))) || fallbackContext(user);
        const subject = tokenSubjectOf(user, context.pool, context.amr);
        return { accountId: sub, claims: () => ({ sub, ...identityClaims(subject) }) };
      },
      jwks: { keys: keys as never },
      // Derived from the secrets key: every node signs and reads the same cookies.
      cookies: { keys: [options.box.digest('cookies', 'openid-provider')] },
      claims: {
        // The claims of DESIGN §4 come with `openid`: every app gets them.
        openid: ['sub', 'tenant_id', 'roles', 'pool', 'amr'],
        email: ['email', 'email_verified'],
        profile: ['name', 'given_name', 'family_name', 'picture', 'locale'],
        phone: ['phone_number'],
      },
      scopes: ['openid', 'offline_access', 'email', 'profile', 'phone'],
      // The ID token carries the claims itself (apps need not call userinfo for tenant and roles).
      conformIdTokenClaims: false,
      responseTypes: ['code'],
      pkce: { required: (_ctx, client) => !options.allowCodeFlowWithoutPkce || client.clientAuthMethod === 'none' },
      clientDefaults: { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], id_token_signed_response_alg: SIGNING_ALGORITHM },
      // Only the keys Tributary has: a client secret (stored hashed here) is never an HMAC key.
      enabledJWA: {
        idTokenSigningAlgValues: [SIGNING_ALGORITHM],
        userinfoSigningAlgValues: [SIGNING_ALGORITHM],
        clientAuthSigningAlgValues: [SIGNING_ALGORITHM],
        requestObjectSigningAlgValues: [SIGNING_ALGORITHM],
      },
      extraClientMetadata: { properties: ['cors_origins'] },
      clientBasedCORS: (_ctx, origin, client) => ((client as unknown as { cors_origins?: string[] }).cors_origins ?? []).includes(origin),
      // All app clients are first-party: the refresh token needs no separate offline_access consent.
      issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      rotateRefreshToken: true,
      allowOmittingSingleRegisteredRedirectUri: false,
      ttl: {
        AccessToken: ACCESS_TOKEN_TTL_S,
        AuthorizationCode: 60,
        IdToken: ACCESS_TOKEN_TTL_S,
        Interaction: 3600,
        Grant: REFRESH_TOKEN_TTL_S,
        Session: 14 * 24 * 3600,
        RefreshToken: REFRESH_TOKEN_TTL_S,
      },
      routes: PROVIDER_ROUTES,
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      // First-party apps: consent is never asked; what the app asks is granted. The login's context is
      // stored for the session here, where the resumed request knows both (see sign-in-context.ts).
      loadExistingGrant: async (ctx) => {
        const session = ctx.oidc.session!;
        const result = ctx.oidc.result as Partial<LoginResult> | undefined;
        if (result?.tributary) await rememberSignIn(options.em(), session.uid, result.tributary);
        const clientId = ctx.oidc.client!.clientId;
        const grantId = session.grantIdFor(clientId);
        const grant = (grantId && (await ctx.oidc.provider.Grant.find(grantId))) || new ctx.oidc.provider.Grant({ clientId, accountId: session.accountId! });
        grant.addOIDCScope(ctx.oidc.requestParamScopes);
        grant.addOIDCClaims(ctx.oidc.requestParamClaims);
        for (const indicator of Object.keys(ctx.oidc.resourceServers ?? {})) grant.addResourceScope(indicator, ctx.oidc.requestParamScopes);
        await grant.save();
        return grant;
      },
      features: {
        devInteractions: { enabled: false },
        userinfo: { enabled: true },
        revocation: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          logoutSource: async (ctx, form) => {
            ctx.set(PAGE_HEADERS);
            ctx.type = 'html';
            ctx.body = logoutPage(form, ctx.oidc.client?.clientName);
          },
          postLogoutSuccessSource: async (ctx) => {
            ctx.set(PAGE_HEADERS);
            ctx.type = 'html';
            ctx.body = messagePage('Signed out', 'You are signed out of Tributary. You may close this window.');
          },
        },
        resourceIndicators: {
          enabled: true,
          // No `resource`: an access token for userinfo only. With Tributary's: a JWT for its APIs.
          defaultResource: () => undefined as unknown as string,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, indicator) => {
            if (indicator !== resource) throw new errors.InvalidTarget('unknown resource indicator');
            return {
              scope: 'openid email profile phone offline_access',
              audience: options.tokenAudience,
              accessTokenTTL: ACCESS_TOKEN_TTL_S,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: SIGNING_ALGORITHM } },
            };
          },
        },
      },
      // A JWT access token for the APIs carries DESIGN §4's claims and the beforeTokenIssue prehooks' claims, as /auth/sign-in's do.
      extraTokenClaims: async (ctx, token) => {
        if (token.kind !== 'AccessToken' || !(token as { resourceServer?: unknown }).resourceServer) return undefined;
        const em = options.em();
        const user = await findTokenUser(em, token.accountId!);
        if (!user) return undefined;
        const sessionUid = (token as { sessionUid?: string }).sessionUid;
        const context = (sessionUid && (await signInContextOf(em, sessionUid))) || fallbackContext(user);
        // A prehook that refuses the token refuses the grant, as at POST /auth/token (never a 500).
        const claims = await new SignInPrehooks(options.prehooks, em, ctx.ip ?? '').beforeGrantIssue(user).catch((error: unknown) => {
          throw error instanceof ApiError ? new errors.InvalidGrant(error.message) : error;
        });
        return accessClaims({ ...tokenSubjectOf(user, context.pool, context.amr), claims }) as UnknownObject;
      },
      renderError: async (ctx, out) => {
        ctx.set(PAGE_HEADERS);
        ctx.type = 'html';
        // The OAuth error code and its description are safe to show (they never name an account).
        ctx.body = messagePage('Sign-in could not continue', `${out.error_description ?? out.error}`);
      },
    };
    const provider = new Provider(issuer, configuration);
    provider.proxy = options.behindProxy;
    // Client secrets are stored as their SHA-256 (app-clients/): compared as hashes, in constant time.
    const client = provider.Client.prototype as unknown as { clientSecret?: string; compareClientSecret(actual: string): Promise<boolean> };
    const compare = client.compareClientSecret;
    client.compareClientSecret = function (this: typeof client, actual: string) {
      return compare.call(this, hashOpaqueToken(actual));
    };
    provider.on('server_error', (_ctx: KoaContextWithOIDC, error: Error) => options.logger.error({ err: error }, 'OpenID Provider error'));
    return provider;
  }
}

/** A session whose context is gone (never seen: the context lives as long as its tokens): what the user row says. */
function fallbackContext(user: TokenUser): SignInContext {
  return { pool: user.pool?.id ?? 'local', amr: ['pwd'] };
}
