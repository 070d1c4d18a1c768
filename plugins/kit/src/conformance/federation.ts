import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { validateConfig } from '../define.js';
import { SourceError } from '../errors.js';
import type { CallbackInput, FederationConnection, PoolSource, SourceContext } from '../types.js';
import {
  assertIdentity,
  assertRejects,
  assertSecretsStayOut,
  connectWith,
  createTestContext,
  describeDefinition,
  messages,
  resolve,
  type ConformanceRunner,
  type Lazy,
} from './shared.js';

export interface FederationConformanceOptions<S extends z.ZodType> {
  source: PoolSource<'IDP_FEDERATION', S>;
  /** A config that reaches the running IdP. */
  config: Lazy<unknown>;
  /** A config like `config` whose IdP does not answer (a port nobody listens on). */
  unreachableConfig?: Lazy<unknown>;
  /** Where the IdP sends the browser back: a redirect URI registered for the test client. */
  redirectUri: Lazy<string>;
  /**
   * Plays the browser: opens the authorization URL, signs a user in at the IdP and resolves to the URL
   * the IdP redirected to (on `redirectUri`), without opening it.
   */
  signIn(authorizationUrl: URL): Promise<URL>;
  /** The email of the user `signIn` signs in, when the IdP sends one. */
  expectedEmail?: Lazy<string>;
  runner: ConformanceRunner;
  context?: () => SourceContext;
}

/** One flow's secrets, made the way core makes them: random state, nonce and PKCE verifier (S256). */
function newFlow(redirectUri: string): Omit<CallbackInput, 'url'> & { codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  return {
    redirectUri,
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    codeVerifier,
    codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
  };
}

/**
 * The contract every IDP_FEDERATION source must keep, run against a real IdP. A refusal at the IdP or a
 * callback that does not belong to the flow is REJECTED; only an IdP that cannot answer is "unavailable".
 */
export function runFederationConformance<S extends z.ZodType>(options: FederationConformanceOptions<S>): void {
  const { source, runner } = options;
  const { describe, it, beforeAll, afterAll } = runner;
  const makeContext = options.context ?? (() => createTestContext());
  let connection: FederationConnection;
  let redirectUri: string;

  /** Starts a flow and signs in at the IdP: the flow and the URL the IdP sent back. */
  async function signedIn(on = connection) {
    const flow = newFlow(redirectUri);
    const start = await on.authorizationUrl(flow);
    return { flow, url: await options.signIn(start) };
  }

  describe(`${source.key}: federation source conformance`, () => {
    beforeAll(async () => {
      connection = await connectWith(source, resolve(options.config), makeContext());
      redirectUri = resolve(options.redirectUri);
    });
    afterAll(async () => {
      await connection?.close?.();
    });

    describeDefinition(runner, source, 'IDP_FEDERATION', options.config);

    it('authorizationUrl is an http(s) URL carrying the flow state', async () => {
      const flow = newFlow(redirectUri);
      const url = await connection.authorizationUrl(flow);
      assert.ok(url instanceof URL, 'authorizationUrl must resolve to a URL');
      assert.match(url.protocol, /^https?:$/);
      assert.ok(url.toString().includes(flow.state), 'the IdP must receive the state, to send it back');
    });

    it('a sign-in at the IdP comes back as an identity', async () => {
      const { flow, url } = await signedIn();
      const identity = await connection.handleCallback({ ...flow, url });
      assertIdentity(identity);
      if (options.expectedEmail) assert.equal(identity.email.toLowerCase(), resolve(options.expectedEmail).toLowerCase());
    });

    it('a callback is spent once: the replay is REJECTED', async () => {
      const { flow, url } = await signedIn();
      assertIdentity(await connection.handleCallback({ ...flow, url }));
      await assertRejects(connection.handleCallback({ ...flow, url }), 'REJECTED', 'replayed callback');
    });

    it('a callback of another flow (state, PKCE verifier) is REJECTED', async () => {
      const { flow, url } = await signedIn();
      await assertRejects(connection.handleCallback({ ...flow, url, state: newFlow(redirectUri).state }), 'REJECTED', 'callback with another state');
      const other = await signedIn();
      await assertRejects(
        connection.handleCallback({ ...other.flow, url: other.url, codeVerifier: newFlow(redirectUri).codeVerifier }),
        'REJECTED',
        'callback with another PKCE verifier',
      );
    });

    it('an IdP error in the callback (the user said no) is REJECTED', async () => {
      const flow = newFlow(redirectUri);
      await connection.authorizationUrl(flow);
      const url = new URL(redirectUri);
      url.search = new URLSearchParams({ error: 'access_denied', error_description: 'the user cancelled', state: flow.state }).toString();
      await assertRejects(connection.handleCallback({ ...flow, url }), 'REJECTED', 'callback with error=access_denied');
    });

    it('an IdP that does not answer is unavailable, never a refusal', async () => {
      if (!options.unreachableConfig) return;
      const validation = validateConfig(source, resolve(options.unreachableConfig));
      assert.ok(validation.ok, 'unreachableConfig must be a valid config');
      const down = await source.connect(validation.config, makeContext());
      try {
        const outcome = await down.authorizationUrl(newFlow(redirectUri)).then(
          () => undefined,
          (error: unknown) => error,
        );
        assert.ok(outcome instanceof SourceError && outcome.unavailable, `expected an unavailable SourceError, got ${messages(outcome)}`);
        if (down.test) assert.equal((await down.test()).ok, false, 'test() against an unreachable IdP');
      } finally {
        await down.close?.();
      }
    });

    it('never puts secret values in the authorization URL, errors, test results or logs', async () => {
      await assertSecretsStayOut(source, resolve(options.config), makeContext(), async (bad, seen) => {
        // The IdP cannot tell the secret is wrong before the code is redeemed: the token request is where it shows.
        const { flow, url } = await signedIn(bad);
        seen.push(url.toString(), (await bad.authorizationUrl(newFlow(redirectUri))).toString());
        await bad.handleCallback({ ...flow, url }).then(
          (identity) => seen.push(JSON.stringify(identity)),
          (error: unknown) => seen.push(messages(error)),
        );
      });
    });

    it('test() reports ok for the good config', async () => {
      if (!connection.test) return;
      const result = await connection.test();
      assert.equal(result.ok, true, result.message);
      assert.equal(typeof result.message, 'string');
    });
  });
}
