import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import { findClientRecord } from '../app-clients/app-client.repository.js';
import type { Orm } from '../db/orm.js';
import { ApiError, InvalidCode } from '../errors/index.js';
import { startFederationFlow, type FederationDeps } from '../federation/routes.js';
import { clientIp } from '../http/end-user-input.js';
import {
  codePage,
  emailPage,
  loginPage,
  messagePage,
  noticePage,
  PAGE_HEADERS,
  registerPage,
  STYLESHEET_PATH,
  stylesheet,
  type PageLink,
} from '../hosted-login/pages.js';
import { payloadFields, payloadFromForm } from '../hosted-login/payload-fields.js';
import { nativeConfigOf } from '../pools/native-config.js';
import { verifyActivation } from '../self-service/activation.js';
import { otpFactor, startOtpSignIn } from '../self-service/otp-sign-in.js';
import { finishPasswordReset, startPasswordReset } from '../self-service/password-reset.js';
import { register } from '../self-service/registration.js';
import { UserPool } from '../pools/pool.entity.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { SignInService, type SignInDeps } from '../sign-in/sign-in.service.js';
import { pkceChallenge, redeemAuthorizationCode } from '../tokens/authorization-codes.js';
import { PROVIDER_ROUTES, type LoginResult, type OpenIdProvider } from './provider.js';

export interface OpenIdRouteDeps {
  provider: OpenIdProvider;
  box: SecretBox;
  issuer: () => string;
  /** The password pipeline of `POST /auth/sign-in`, run as is by the login form. */
  signIn: SignInDeps;
  federation: FederationDeps;
  /**
   * More links under the form: the seam for the self-service pages still to come (password reset and
   * one-time-code sign-in, core/src/self-service, DESIGN §10). Registration pages are built in.
   */
  selfServiceLinks?: (interactionUid: string) => PageLink[];
}

/** What the page says for every refused password: never whether the account exists, is disabled, or which pool said no. */
export const SIGN_IN_REFUSED = 'The email or password is not right. Check them and try again.';
const MESSAGES: Record<string, { status: number; text: string }> = {
  too_many_attempts: { status: 429, text: 'Too many attempts. Wait a few minutes, then try again.' },
  source_unavailable: { status: 503, text: 'Your password cannot be checked right now. Try again in a moment.' },
  temporarily_unavailable: { status: 503, text: 'Sign-in is not available right now. Try again in a moment.' },
};
const FEDERATION_FAILED = 'The sign-in at the identity provider did not complete. Try again, or sign in another way.';
const EXPIRED = 'This sign-in has expired or was started in another browser. Go back to the app and start again.';
const UID = /^[A-Za-z0-9_-]{10,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const POOL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const form = express.urlencoded({ extended: false, limit: '16kb' });
const field = (body: unknown, name: string): string => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set(PAGE_HEADERS).type('html').send(html);
}

/**
 * The hosted login (the provider's interactions) and the provider itself. Every interaction route
 * first asks the provider for the interaction behind the browser's interaction cookie, so a page or a
 * form only works in the browser that started the sign-in; every form also carries a CSRF token bound
 * to the interaction.
 */
export function openIdRouter(orm: Orm, deps: OpenIdRouteDeps): express.Router {
  const router = express.Router();
  const csrfToken = (uid: string) => deps.box.digest(`csrf:${uid}`, 'hosted-login');
  // The federation flow's PKCE verifier for this interaction: derived, so nothing is stored, and
  // useless without the browser's interaction cookie.
  const federationVerifier = (uid: string) => deps.box.digest(`federation:${uid}`, 'hosted-login');
  const federationReturn = (uid: string) => `${deps.issuer()}/interaction/${uid}/federated`;

  router.get(STYLESHEET_PATH, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('css').send(stylesheet);
  });

  /** The interaction behind this request's cookie, or null (the page explaining why was sent). */
  async function interaction(req: Request, res: Response): Promise<{ provider: Provider; uid: string; clientId: string; prompt: string } | null> {
    const provider = await deps.provider.provider();
    const uid = String(req.params.uid);
    try {
      const details = await provider.interactionDetails(req, res);
      if (!UID.test(uid) || details.uid !== uid) throw new Error('interaction mismatch');
      return { provider, uid, clientId: String(details.params.client_id), prompt: details.prompt.name };
    } catch {
      sendPage(res, 400, messagePage('Sign-in expired', EXPIRED));
      return null;
    }
  }

  async function renderLogin(res: Response, found: { uid: string; clientId: string }, status = 200, error?: string, email?: string) {
    const em = orm.em.fork();
    const client = await findClientRecord(em, found.clientId);
    const pools = await em.find(UserPool, { type: { $in: ['IDP_FEDERATION', 'NATIVE'] }, enabled: true }, { orderBy: { position: 'asc' } });
    const base = `/interaction/${found.uid}`;
    const open = pools.filter((pool) => pool.type === 'NATIVE' && nativeConfigOf(pool).publicRegistration);
    const registration = open.map((pool) => ({
      href: `${base}/register/${pool.id}`,
      text: open.length > 1 ? `Create an account in ${pool.name}` : 'Create an account',
    }));
    const codes = pools.some((pool) => pool.type === 'NATIVE' && nativeConfigOf(pool).otpSignIn)
      ? [{ href: `${base}/otp`, text: 'Email me a sign-in code' }]
      : [];
    sendPage(
      res,
      status,
      loginPage({
        action: `${base}/login`,
        cancelAction: `${base}/abort`,
        csrfToken: csrfToken(found.uid),
        clientName: client?.name ?? 'the app',
        email,
        error,
        federation: pools.filter((pool) => pool.type === 'IDP_FEDERATION').map((pool) => ({ action: `${base}/federation/${pool.id}`, name: pool.name })),
        links: [...registration, { href: `${base}/reset`, text: 'Forgot your password?' }, ...codes, ...(deps.selfServiceLinks?.(found.uid) ?? [])],
      }),
    );
  }

  /** A form without this interaction's CSRF token is refused before anything else happens. */
  function csrfOk(req: Request, res: Response, uid: string, token: string): boolean {
    const expected = Buffer.from(csrfToken(uid));
    const given = Buffer.from(token);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    sendPage(res, 403, messagePage('Form expired', 'This form could not be accepted. Go back to the app and start again.'));
    return false;
  }

  async function finishLogin(req: Request, res: Response, provider: Provider, userId: string, context: LoginResult['tributary']) {
    const result: LoginResult = { login: { accountId: userId, amr: context.amr, ts: Math.floor(Date.now() / 1000), remember: true }, tributary: context };
    await provider.interactionFinished(req, res, result as never, { mergeWithLastSubmission: false });
  }

  router.get('/interaction/:uid', async (req, res) => {
    const found = await interaction(req, res);
    if (!found) return;
    if (found.prompt === 'login') return renderLogin(res, found);
    // Consent is granted by the provider itself for first-party apps (provider.ts loadExistingGrant);
    // any other prompt cannot be answered here.
    await found.provider.interactionFinished(
      req,
      res,
      { error: 'interaction_required', error_description: `prompt ${found.prompt} is not supported` },
      {
        mergeWithLastSubmission: false,
      },
    );
  });

  router.post('/interaction/:uid/login', form, async (req, res) => {
    const found = await interaction(req, res);
    if (!found || !csrfOk(req, res, found.uid, field(req.body, 'csrf'))) return;
    const email = field(req.body, 'email').trim().slice(0, 254);
    const password = field(req.body, 'password').slice(0, 1024);
    // Control characters are never part of an email or a password (the JSON API refuses them the same way).
    if (!email || !password || [...email, ...password].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f)) {
      return renderLogin(res, found, 400, 'Enter your email and your password.', email);
    }
    try {
      const subject = await new SignInService(orm.em.fork(), deps.signIn).authenticate({
        email,
        password,
        ip: clientIp(req),
      });
      await finishLogin(req, res, found.provider, subject.userId, { pool: subject.pool, amr: subject.amr });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const known = MESSAGES[error.code];
      if (error.retryAfterSeconds) res.set('Retry-After', String(error.retryAfterSeconds));
      return renderLogin(res, found, known?.status ?? 401, known?.text ?? SIGN_IN_REFUSED, email);
    }
  });

  router.post('/interaction/:uid/abort', form, async (req, res) => {
    const found = await interaction(req, res);
    if (!found || !csrfOk(req, res, found.uid, field(req.body, 'csrf'))) return;
    await found.provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'the user cancelled the sign-in' },
      { mergeWithLastSubmission: false },
    );
  });

  router.get('/interaction/:uid/federation/:poolId', async (req, res) => {
    const found = await interaction(req, res);
    if (!found || !csrfOk(req, res, found.uid, typeof req.query.csrf === 'string' ? req.query.csrf : '')) return;
    const poolId = String(req.params.poolId);
    const em = orm.em.fork();
    const pool = POOL_ID.test(poolId) ? await em.findOne(UserPool, { id: poolId, type: 'IDP_FEDERATION', enabled: true }) : null;
    if (!pool) return renderLogin(res, found, 400, FEDERATION_FAILED);
    try {
      const url = await startFederationFlow(em, deps.federation, pool, {
        redirectUri: federationReturn(found.uid),
        appState: null,
        codeChallenge: pkceChallenge(federationVerifier(found.uid)),
      });
      res.redirect(303, url.toString());
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return renderLogin(res, found, 503, FEDERATION_FAILED);
    }
  });

  // The federation callback (federation/routes.ts) hands its one-time code here, as it would to an app.
  router.get('/interaction/:uid/federated', async (req, res) => {
    const found = await interaction(req, res);
    if (!found) return;
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    if (!code) return renderLogin(res, found, 400, FEDERATION_FAILED);
    try {
      const grant = await redeemAuthorizationCode(orm.em.fork(), code, federationReturn(found.uid), federationVerifier(found.uid));
      await finishLogin(req, res, found.provider, grant.userId, { pool: grant.pool, amr: grant.amr });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return renderLogin(res, found, 400, FEDERATION_FAILED);
    }
  });

  // Registration in a NATIVE pool that takes it (the service of POST /auth/register), then activation by
  // mailed code (that of /auth/activation/verify); the user then signs in on the login page as usual.
  const registrationDeps = { box: deps.box, logger: deps.signIn.logger, prehooks: deps.signIn.prehooks };
  const credentialDeps = { ...deps.signIn, box: deps.box };
  async function openPool(poolId: string) {
    const pool = POOL_ID.test(poolId) ? await orm.em.fork().findOne(UserPool, { id: poolId, type: 'NATIVE', enabled: true }) : null;
    return pool && nativeConfigOf(pool).publicRegistration ? pool : null;
  }
  const backToSignIn = (uid: string): PageLink => ({ href: `/interaction/${uid}`, text: 'Back to sign in' });

  router.get('/interaction/:uid/register/:poolId', async (req, res) => {
    const found = await interaction(req, res);
    if (!found) return;
    const pool = await openPool(String(req.params.poolId));
    if (!pool) return sendPage(res, 404, messagePage('Registration closed', 'This sign-up is not open. Go back and sign in instead.'));
    sendPage(
      res,
      200,
      registerPage({
        action: `/interaction/${found.uid}/register/${pool.id}`,
        csrfToken: csrfToken(found.uid),
        poolName: pool.name,
        fields: payloadFields(nativeConfigOf(pool).payloadSchema),
        values: {},
        errors: {},
        back: backToSignIn(found.uid),
      }),
    );
  });

  router.post('/interaction/:uid/register/:poolId', form, async (req, res) => {
    const found = await interaction(req, res);
    if (!found || !csrfOk(req, res, found.uid, field(req.body, 'csrf'))) return;
    const pool = await openPool(String(req.params.poolId));
    if (!pool) return sendPage(res, 404, messagePage('Registration closed', 'This sign-up is not open. Go back and sign in instead.'));
    const fields = payloadFields(nativeConfigOf(pool).payloadSchema);
    const email = field(req.body, 'email').trim().slice(0, 254);
    const password = field(req.body, 'password').slice(0, 1024);
    const values: Record<string, string> = { email };
    for (const payloadField of fields) values[`payload.${payloadField.name}`] = field(req.body, `payload.${payloadField.name}`).slice(0, 1024);
    const again = (status: number, errors: Record<string, string>) =>
      sendPage(
        res,
        status,
        registerPage({ action: req.originalUrl, csrfToken: csrfToken(found.uid), poolName: pool.name, fields, values, errors, back: backToSignIn(found.uid) }),
      );
    if (!EMAIL.test(email)) return again(400, { email: 'Enter an email address, like name@example.com.' });
    if (!password) return again(400, { password: 'Choose a password.' });
    try {
      const { status } = await register(orm.em.fork(), registrationDeps, {
        poolId: pool.id,
        email,
        password,
        payload: payloadFromForm(fields, req.body as Record<string, unknown>),
        ip: clientIp(req),
      });
      if (status === 'ACTIVE') {
        return sendPage(res, 201, noticePage('Account created', 'Your account is ready. Sign in with your email and password.', backToSignIn(found.uid)));
      }
      // The same page whether or not the email already had an account (the service mails its owner instead).
      sendPage(res, 201, activationPage(found.uid, email));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'weak_password') return again(400, { password: `${error.message.replace(/^password: /, '')}` });
      if (error.code === 'invalid_payload') {
        const name = String(error.publicDetails.path ?? '').split('/')[1] ?? '';
        const known = fields.some((payloadField) => payloadField.name === name);
        return again(400, known ? { [`payload.${name}`]: error.message.replace(/^payload[^:]*: /, '') } : { form: error.message });
      }
      return again(error.status, { form: MESSAGES[error.code]?.text ?? 'The account could not be created. Try again later.' });
    }
  });

  const activationPage = (uid: string, email: string, error?: string) =>
    codePage({
      title: 'Check your email',
      lead: `If ${email} can be registered, a code is on its way there. Enter it to activate the account.`,
      action: `/interaction/${uid}/activate`,
      csrfToken: csrfToken(uid),
      email,
      error,
      submit: 'Activate',
      back: backToSignIn(uid),
    });

  router.post('/interaction/:uid/activate', form, async (req, res) => {
    const found = await interaction(req, res);
    if (!found || !csrfOk(req, res, found.uid, field(req.body, 'csrf'))) return;
    const email = field(req.body, 'email').trim().slice(0, 254);
    const code = field(req.body, 'code').trim().slice(0, 32);
    try {
      if (!email || !code) throw new InvalidCode();
      await verifyActivation(orm.em.fork(), registrationDeps, { email, code, ip: clientIp(req) });
      sendPage(res, 200, noticePage('Account activated', 'Your account is ready. Sign in with your email and password.', backToSignIn(found.uid)));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendPage(res, error.status, activationPage(found.uid, email, MESSAGES[error.code]?.text ?? 'That code is wrong or expired.'));
    }
  });

  // Password reset by mailed code (the services of /auth/password/reset/start and /finish). The code is
  // mailed after the page is answered, as the JSON route does: neither the page nor its timing tells
  // whether the email has an account.
  const resetCodePage = (uid: string, email: string, errors: { code?: string; password?: string } = {}) =>
    codePage({
      title: 'Check your email',
      lead: `If ${email} has an account whose password is kept here, a code is on its way there. Enter it with a new password.`,
      action: `/interaction/${uid}/reset/finish`,
      csrfToken: csrfToken(uid),
      email,
      error: errors.code,
      submit: 'Change password',
      back: backToSignIn(uid),
      newPassword: { error: errors.password },
    });

  /**
   * The two pages that ask for an email and mail a code (password reset, sign-in by code): the form, then
   * the code page at once, whatever the email — the code is started after the answer, so neither the page
   * nor its timing tells whether the email has an account.
   */
  const mailCodeRoutes = (
    step: 'reset' | 'otp',
    page: { title: string; lead: string },
    codePageFor: (uid: string, email: string) => string,
    start: (em: ReturnType<typeof orm.em.fork>, request: { email: string; ip: string }) => Promise<void>,
  ) => {
    router.get(`/interaction/:uid/${step}`, async (req, res) => {
      const found = await interaction(req, res);
      if (!found) return;
      sendPage(
        res,
        200,
        emailPage({
          ...page,
          action: `/interaction/${found.uid}/${step}`,
          csrfToken: csrfToken(found.uid),
          submit: 'Send a code',
          back: backToSignIn(found.uid),
        }),
      );
    });
    router.post(`/interaction/:uid/${step}`, form, async (req, res) => {
      const found = await interaction(req, res);
      if (!found || !csrfOk(req, res, found.uid, field(req.body, 'csrf'))) return;
      const email = field(req.body, 'email').trim().slice(0, 254);
      if (!EMAIL.test(email)) return res.redirect(303, `/interaction/${found.uid}/${step}`);
      sendPage(res, 200, codePageFor(found.uid, email));
      await start(orm.em.fork(), { email, ip: clientIp(req) }).catch((error: unknown) => deps.signIn.logger.error({ err: error }, `${step} code not sent`));
    });
  };

  mailCodeRoutes(
    'reset',
    { title: 'Reset your password', lead: 'Enter your email: we will mail you a code to choose a new password.' },
    (uid, email) => resetCodePage(uid, email),
    (em, request) => startPasswordReset(em, credentialDeps, request),
  );

  router.post('/interaction/:uid/reset/finish', form, async (req, res) => {
    const found = await interaction(req, res);
    if (!found || !csrfOk(req, res, found.uid, field(req.body, 'csrf'))) return;
    const email = field(req.body, 'email').trim().slice(0, 254);
    const code = field(req.body, 'code').trim().slice(0, 32);
    const newPassword = field(req.body, 'newPassword').slice(0, 1024);
    if (!newPassword) return sendPage(res, 400, resetCodePage(found.uid, email, { password: 'Choose a new password.' }));
    try {
      if (!email || !code) throw new InvalidCode();
      await finishPasswordReset(orm.em.fork(), credentialDeps, { email, code, newPassword, ip: clientIp(req) });
      sendPage(res, 200, noticePage('Password changed', 'Sign in with your new password.', backToSignIn(found.uid)));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.code === 'weak_password') return sendPage(res, 400, resetCodePage(found.uid, email, { password: error.message.replace(/^[a-zA-Z]+: /, '') }));
      sendPage(res, error.status, resetCodePage(found.uid, email, { code: MESSAGES[error.code]?.text ?? 'That code is wrong or expired.' }));
    }
  });

  // Sign-in by mailed code (native pools that allow it): the code runs the same sign-in pipeline as the
  // password (SignInService.authenticate with the code as its factor, as /auth/otp/verify does).
  const otpCodePage = (uid: string, email: string, error?: string) =>
    codePage({
      title: 'Check your email',
      lead: `If ${email} may sign in with a code, one is on its way there.`,
      action: `/interaction/${uid}/otp/verify`,
      csrfToken: csrfToken(uid),
      email,
      error,
      submit: 'Sign in',
      back: backToSignIn(uid),
    });

  mailCodeRoutes(
    'otp',
    { title: 'Sign in with a code', lead: 'Enter your email: we will mail you a code to sign in with.' },
    (uid, email) => otpCodePage(uid, email),
    (em, request) => startOtpSignIn(em, credentialDeps, request),
  );

  router.post('/interaction/:uid/otp/verify', form, async (req, res) => {
    const found = await interaction(req, res);
    if (!found || !csrfOk(req, res, found.uid, field(req.body, 'csrf'))) return;
    const email = field(req.body, 'email').trim().slice(0, 254);
    const code = field(req.body, 'code').trim().slice(0, 32);
    const em = orm.em.fork();
    try {
      if (!email || !code) throw new InvalidCode();
      const subject = await new SignInService(em, deps.signIn).authenticate({
        email,
        ip: clientIp(req),
        factor: otpFactor(em, deps.box, code),
      });
      await finishLogin(req, res, found.provider, subject.userId, { pool: subject.pool, amr: subject.amr });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      sendPage(res, error.status, otpCodePage(found.uid, email, MESSAGES[error.code]?.text ?? 'That code is wrong or expired.'));
    }
  });

  // The provider answers its own routes and discovery; anything else goes on to the rest of the app.
  const prefixes = ['/oidc/', '/.well-known/openid-configuration'];
  let handler: { provider: Provider; callback: ReturnType<Provider['callback']> } | undefined;
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    if (!prefixes.some((prefix) => req.path.startsWith(prefix))) return next();
    const provider = await deps.provider.provider();
    if (handler?.provider !== provider) handler = { provider, callback: provider.callback() };
    handler.callback(req, res);
  });
  return router;
}

export { PROVIDER_ROUTES };
