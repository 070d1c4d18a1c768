import { createTestContext, runSourceConformance } from '@tributary/plugin-kit/conformance';
import { SourceError, SourceUnavailable, type SourceServices } from '@tributary/plugin-kit';
import { Sandbox } from '@tributary/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import customCode from '../src/index.js';
import { connectCustomCode } from '../src/connection.js';
import { DIRECTORY_SCRIPT, directoryConfig, SEED } from './directory-script.js';

const sandbox = new Sandbox();
afterAll(() => sandbox.dispose());

const connect = (config: Record<string, unknown>, services: SourceServices = { sandbox }, timeoutMs = 5_000) =>
  connectCustomCode(customCode.config.parse(config), createTestContext({ services, timeoutMs }));
/** The directory script with one export replaced. */
const withExport = (name: string, body: string) =>
  DIRECTORY_SCRIPT.replace(`export async function ${name}(`, `async function ${name}Unused(`) + `\nexport async function ${name}() { ${body} }`;

runSourceConformance({
  source: customCode,
  config: () => directoryConfig(),
  seedUser: SEED,
  unknownEmail: 'nobody@directory.test',
  runner: { describe, it, beforeAll, afterAll },
  context: () => createTestContext({ services: { sandbox } }),
});

describe('custom-code: connect', () => {
  it('needs the sandbox service', async () => {
    await expect(connect(directoryConfig(), {})).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(connect(directoryConfig(), { sandbox: { run: 'no' } as never })).rejects.toBeInstanceOf(SourceError);
  });

  it('refuses code that does not compile, naming the line, and code without the required exports', async () => {
    await expect(connect(directoryConfig('export async function authenticate() {\n  return {\n}}}'))).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      field: 'code',
      message: expect.stringMatching(/^code: syntax error \(line 3\)/),
    });
    await expect(connect(directoryConfig('export async function authenticate() { return null; }'))).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: 'code: must export async functions "getUser"',
    });
  });

  it('offers listUsers only when the script exports it', async () => {
    const bare = DIRECTORY_SCRIPT.replace('export async function listUsers', 'async function listUsers');
    expect((await connect(directoryConfig(bare))).listUsers).toBeUndefined();
    expect((await connect(directoryConfig())).listUsers).toBeTypeOf('function');
  });

  it('validates config: hosts without scheme, env names', () => {
    expect(customCode.config.safeParse({ code: 'x', allowedHosts: ['https://a.example'] }).success).toBe(false);
    expect(customCode.config.safeParse({ code: 'x', allowedHosts: ['a.example:8443', '10.0.0.5', '[::1]:80'] }).success).toBe(true);
    expect(customCode.config.safeParse({ code: 'x', env: { '1BAD': 'v' } }).success).toBe(false);
    expect(customCode.secretFields).toEqual(['env']);
    expect(customCode.destinationFields).toEqual(['code', 'allowedHosts']);
  });
});

describe('custom-code: answers and faults', () => {
  it('maps the identity the script returns, and { rejected } to REJECTED with the reason', async () => {
    const source = await connect(directoryConfig());
    expect(await source.authenticate(SEED)).toEqual({
      externalId: 'u-1',
      email: SEED.email,
      emailVerified: true,
      profile: { name: 'Seed' },
      tenantId: 'acme',
      roles: ['staff'],
      disabled: false,
    });
    await expect(source.authenticate({ email: 'disabled@directory.test', password: SEED.password })).rejects.toMatchObject({
      code: 'REJECTED',
      message: expect.stringContaining('disabled in the directory'),
    });
  });

  it('a script that throws is unavailable, never a wrong password, and its message has the env values masked', async () => {
    const source = await connect(directoryConfig(DIRECTORY_SCRIPT, 'a-wrong-directory-key'));
    const error = await source.authenticate(SEED).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(SourceUnavailable);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('refused key ********') });
    expect((error as Error).message).not.toContain('a-wrong-directory-key');
  });

  it('an answer of the wrong shape is BAD_RESPONSE', async () => {
    const source = await connect(directoryConfig(withExport('authenticate', "return { email: 'x@y.test' };")));
    await expect(source.authenticate(SEED)).rejects.toMatchObject({ code: 'BAD_RESPONSE', message: expect.stringContaining('externalId') });
  });

  it('a script that runs past the pool timeout is TIMEOUT', async () => {
    const source = await connect(directoryConfig(withExport('authenticate', 'for (;;) {}')), { sandbox }, 300);
    await expect(source.authenticate(SEED)).rejects.toMatchObject({ code: 'TIMEOUT', unavailable: true });
  });

  it('test() compiles the script and calls getUser', async () => {
    expect(await (await connect(directoryConfig())).test!()).toMatchObject({ ok: true, message: expect.stringContaining('authenticate, getUser, listUsers') });
    expect(await (await connect(directoryConfig(DIRECTORY_SCRIPT, 'a-wrong-directory-key'))).test!()).toMatchObject({
      ok: false,
      details: { code: 'UNAVAILABLE' },
    });
  });
});
