import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoLocal, type CognitoLocal } from '../../plugins/cognito/test/cognito-local.js';
import { createFixture, createUser, PASSWORD, type Fixture } from '../../plugins/cognito/test/setup.js';
import type { GraphQLResponse } from '../support/server.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

// The server in a process of its own, as `pnpm serve` runs it, with a loader hook that writes down every
// module it resolves: what a server without pools loads is then a fact to assert, not a guess.
const ROOT = new URL('../..', import.meta.url).pathname;
const SDKS = {
  cognito: ['@aws-sdk/client-cognito-identity-provider', '@smithy/core'],
  firebase: ['firebase-admin', 'google-auth-library'],
  auth0: ['auth0'],
  oidc: ['openid-client'],
};
const ALL_SDKS = Object.values(SDKS).flat();

let server: ServerProcess;
let logDir: string;
let peer: CognitoLocal;
let fixture: Fixture;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  logDir = mkdtempSync(join(tmpdir(), 'tributary-module-log-'));
  cleanups.push(async () => rmSync(logDir, { recursive: true, force: true }));
  server = await startServerProcess(cleanups, { preload: ['./test/support/module-log.mjs'], env: { TRIBUTARY_MODULE_LOG: join(logDir, 'modules.log') } });
  peer = await startCognitoLocal();
  cleanups.push(() => peer.stop());
  fixture = await createFixture(peer.admin);
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Every module file the server has resolved so far, as file URLs. */
const loadedFiles = (): string[] => readFileSync(join(logDir, 'modules.log'), 'utf8').split('\n').filter(Boolean);

/** The npm packages the server has loaded a file of (the name after the last node_modules/). */
function loadedPackages(): Set<string> {
  const names = loadedFiles().flatMap((file) => {
    const at = file.lastIndexOf('/node_modules/');
    if (at < 0) return [];
    const [scope, name] = file.slice(at + '/node_modules/'.length).split('/');
    return [scope!.startsWith('@') ? `${scope}/${name}` : scope!];
  });
  return new Set(names);
}

async function gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.status, data: body.data ?? null, errors: body.errors };
}

const CREATE_POOL = 'mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id } }';

describe('built-in sources load their provider SDKs with their first pool, not with the server', () => {
  it('a server without pools lists and validates every built-in source and has loaded none of their SDKs', async () => {
    const { data } = await gql<{ poolSources: { key: string; displayName: string; secretFields: string[]; configSchema: { required: string[] } }[] }>(
      '{ poolSources { key displayName secretFields configSchema } }',
    );
    expect(data!.poolSources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'cognito', displayName: 'Amazon Cognito', secretFields: ['clientSecret', 'secretAccessKey'] }),
        expect.objectContaining({ key: 'firebase', displayName: 'Google Firebase', secretFields: ['serviceAccount', 'passwordHashConfig'] }),
        expect.objectContaining({ key: 'auth0', displayName: 'Auth0', secretFields: ['clientSecret'] }),
        expect.objectContaining({ key: 'oidc', displayName: 'OpenID Connect', secretFields: ['clientSecret'] }),
      ]),
    );
    // Config validation is the plugin's schema alone: a bad Firebase config is refused, naming the field, without firebase-admin.
    const refused = await gql(CREATE_POOL, {
      input: { name: 'no key', type: 'EXTERNAL', source: 'firebase', config: { apiKey: 'web-api-key', serviceAccount: 'not a key file' } },
    });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.serviceAccount' });

    const packages = loadedPackages();
    // The hook saw the server's own dependencies: the absences below are not an empty log.
    expect(packages).toContain('@mikro-orm/core');
    expect(packages).toContain('oidc-provider');
    expect(ALL_SDKS.filter((sdk) => packages.has(sdk))).toEqual([]);
    const files = loadedFiles();
    for (const source of Object.keys(SDKS)) {
      expect(files).toContain(`file://${ROOT}plugins/${source}/src/index.ts`);
      expect(files).not.toContain(`file://${ROOT}plugins/${source}/src/connection.ts`);
    }
  });

  it('the first Cognito pool loads the AWS SDK, which then works; the other sources stay unloaded', async () => {
    const config = {
      region: 'us-east-1',
      userPoolId: fixture.poolId,
      clientId: fixture.clientId,
      accessKeyId: 'local',
      secretAccessKey: 'cognito-local-secret',
      endpoint: peer.endpoint,
    };
    const created = await gql<{ createUserPool: { id: string } }>(CREATE_POOL, { input: { name: 'Cognito', type: 'EXTERNAL', source: 'cognito', config } });
    const id = created.data!.createUserPool.id;
    // Creating a pool stores it; only a connection needs the SDK.
    expect(loadedPackages().has('@aws-sdk/client-cognito-identity-provider')).toBe(false);

    const tested = await gql<{ testUserPoolConnection: { ok: boolean; message: string } }>(
      'mutation($id: ID!) { testUserPoolConnection(id: $id) { ok message } }',
      { id },
    );
    expect(tested.data!.testUserPoolConnection).toMatchObject({ ok: true, message: 'connected to user pool "tributary-test"' });
    expect(loadedPackages()).toContain('@aws-sdk/client-cognito-identity-provider');

    await createUser(peer.admin, fixture.poolId, 'lazy@cognito.test');
    const signIn = await fetch(`${server.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'lazy@cognito.test', password: PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    expect(((await signIn.json()) as { access_token?: string }).access_token).toEqual(expect.any(String));
    const wrong = await fetch(`${server.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'lazy@cognito.test', password: 'not-the-password' }),
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error?: string }).error).toBe('invalid_credentials');

    const packages = loadedPackages();
    expect([...SDKS.firebase, ...SDKS.auth0, ...SDKS.oidc].filter((sdk) => packages.has(sdk))).toEqual([]);
  });
});
