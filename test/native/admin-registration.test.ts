import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNativePool, postJson } from '../support/native.js';
import { ok, startTestServer, type TestServer } from '../support/server.js';
import { signIn } from '../support/sign-in.js';
import { codeIn, startSmtp, type Inbox } from '../support/smtp.js';

let server: TestServer;
let inbox: Inbox;
let poolId: string;

const SCHEMA = {
  type: 'object',
  properties: {
    profile: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
    metadata: { type: 'object', properties: { plan: { enum: ['free', 'pro'] } } },
  },
};

beforeAll(async () => {
  inbox = await startSmtp();
  server = await startTestServer({ env: { TRIBUTARY_SMTP_URL: inbox.url } });
  poolId = await createNativePool(server, { payloadSchema: SCHEMA, passwordPolicy: { minLength: 12 }, otpSignIn: true });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await inbox?.close();
});

const USER_FIELDS = 'id email status pool { id } profile metadata capabilities { password oneTimeCode sso sms editable }';
const createUser = (input: Record<string, unknown>) =>
  server.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`, { input });
const fieldOf = (response: Awaited<ReturnType<typeof createUser>>) => response.errors?.[0]?.extensions;

describe('admin registration into a native pool', () => {
  it('PENDING_ACTIVATION with sendActivation: the user gets a code and activates', async () => {
    const { createUser: user } = ok(
      await createUser({ poolId, email: 'Kim@Example.com', status: 'PENDING_ACTIVATION', sendActivation: true, profile: { name: 'Kim' } }),
    );
    expect(user).toMatchObject({
      email: 'kim@example.com',
      status: 'PENDING_ACTIVATION',
      pool: { id: poolId },
      capabilities: { oneTimeCode: true, sms: false },
    });
    const mail = await inbox.next('kim@example.com');
    expect(await postJson(server, '/auth/activation/verify', { email: 'kim@example.com', code: codeIn(mail) })).toEqual({
      status: 200,
      body: { status: 'ACTIVE' },
    });
    // No password yet: activated, but nothing to sign in with.
    expect((await signIn(server, 'kim@example.com', 'anything at all here')).status).toBe(401);
  });

  it('sendActivationMessage mails a new code (the old one stops working); refused for users that are not pending in a native pool', async () => {
    const { createUser: user } = ok(
      await createUser({ poolId, email: 'lee@example.com', status: 'PENDING_ACTIVATION', sendActivation: true, profile: { name: 'Lee' } }),
    );
    const first = codeIn(await inbox.next('lee@example.com'));
    const SEND = 'mutation($id: ID!) { sendActivationMessage(userId: $id) }';
    expect(ok(await server.gql(SEND, { id: user.id }))).toEqual({ sendActivationMessage: true });
    const second = codeIn(await inbox.next('lee@example.com', { after: 1 }));
    const audited = await server.sql<{ target: string; outcome: string }>("select target, outcome from audit_events where action = 'sendActivationMessage'");
    expect(audited).toEqual([{ target: user.id, outcome: 'ok' }]);
    expect((await postJson(server, '/auth/activation/verify', { email: 'lee@example.com', code: first })).status).toBe(400);
    expect((await postJson(server, '/auth/activation/verify', { email: 'lee@example.com', code: second })).status).toBe(200);

    const again = await server.gql(SEND, { id: user.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    const { createUser: local } = ok(await server.gql('mutation { createUser(input: { email: "loc@example.com", status: PENDING_ACTIVATION }) { id } }'));
    expect((await server.gql(SEND, { id: local.id })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    expect((await server.gql(SEND, { id: '0190c5e0-0000-7000-8000-000000000000' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('ACTIVE with a password under the pool policy: signs in at once', async () => {
    const { createUser: user } = ok(
      await createUser({ poolId, email: 'max@example.com', status: 'ACTIVE', password: 'twelve chars and more', profile: { name: 'Max' } }),
    );
    expect(user).toMatchObject({ status: 'ACTIVE', capabilities: { password: true, oneTimeCode: true, sso: true, sms: false, editable: true } });
    const [row] = await server.sql<{ password_hash: string }>('select password_hash from users where id = ?', [user.id]);
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect((await signIn(server, 'max@example.com', 'twelve chars and more')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(inbox.to('max@example.com')).toEqual([]);
  });

  it('validates every field and names it', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ poolId, email: 'ned@example.com', status: 'ACTIVE', profile: { name: 'Ned' } }, 'input.password'],
      [{ poolId, email: 'ned@example.com', status: 'ACTIVE', password: 'short pass', profile: { name: 'Ned' } }, 'input.password'],
      [{ poolId, email: 'ned@example.com', status: 'ACTIVE', password: 'Qwerty123456', profile: { name: 'Ned' } }, 'input.password'],
      [
        { poolId, email: 'ned@example.com', status: 'ACTIVE', password: 'twelve chars and more', sendActivation: true, profile: { name: 'Ned' } },
        'input.sendActivation',
      ],
      [{ poolId, email: 'ned@example.com', status: 'PENDING_ACTIVATION', sendActivation: true }, 'input.profile.name'],
      [{ poolId, email: 'ned@example.com', status: 'PENDING_ACTIVATION', profile: { name: 7 } }, 'input.profile.name'],
      [{ poolId, email: 'ned@example.com', status: 'PENDING_ACTIVATION', profile: { name: 'Ned' }, metadata: { plan: 'gold' } }, 'input.metadata.plan'],
      [{ email: 'ned@example.com', status: 'PENDING_ACTIVATION', sendActivation: true }, 'input.sendActivation'],
    ];
    for (const [input, field] of cases) {
      const response = await createUser(input);
      expect(fieldOf(response), `${JSON.stringify(input)}`).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await server.sql("select id from users where email = 'ned@example.com'")).toEqual([]);
  });

  it('the payload schema guards updateUser of the pool’s users, naming the path', async () => {
    const { createUser: user } = ok(await createUser({ poolId, email: 'ola@example.com', status: 'PENDING_ACTIVATION', profile: { name: 'Ola' } }));
    const UPDATE = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { profile metadata } }`;
    expect((await server.gql(UPDATE, { id: user.id, input: { profile: { nickname: 'O' } } })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.profile.name',
    });
    expect((await server.gql(UPDATE, { id: user.id, input: { metadata: { plan: 'gold' } } })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.metadata.plan',
    });
    expect(ok(await server.gql(UPDATE, { id: user.id, input: { metadata: { plan: 'pro' } } })).updateUser).toEqual({
      profile: { name: 'Ola' },
      metadata: { plan: 'pro' },
    });
  });

  it('capabilities: codes for native pools only, never SMS', async () => {
    const { createUser: local } = ok(await createUser({ email: 'pia@example.com', password: 'a quiet walk in the park' }));
    expect(local.capabilities).toEqual({ password: true, oneTimeCode: false, sso: true, sms: false, editable: true });
  });
});

describe('native pool config', () => {
  const CREATE = 'mutation($input: CreateUserPoolInput!) { createUserPool(input: $input) { id config } }';
  const create = (config: Record<string, unknown>) => server.gql(CREATE, { input: { name: `cfg ${Math.random()}`, type: 'NATIVE', config } });

  it('is stored with its defaults', async () => {
    expect(ok(await create({ publicRegistration: true })).createUserPool.config).toEqual({
      publicRegistration: true,
      payloadSchema: null,
      passwordPolicy: { minLength: 8 },
      activationRequired: true,
      otpSignIn: false,
    });
  });

  it('refuses bad settings and invalid schemas, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ publicRegistration: 'yes' }, 'input.config.publicRegistration'],
      [{ passwordPolicy: { minLength: 6 } }, 'input.config.passwordPolicy.minLength'],
      [{ passwordPolicy: { maxLength: 6 } }, 'input.config.passwordPolicy.maxLength'],
      [{ registration: true }, 'input.config.registration'],
      [{ payloadSchema: { type: 'object', requierd: ['name'] } }, 'input.config.payloadSchema'],
      [{ payloadSchema: { type: 'no-such-type' } }, 'input.config.payloadSchema'],
      [{ mailTemplates: { welcome: { text: 'hi' } } }, 'input.config.mailTemplates.welcome'],
    ];
    for (const [config, field] of cases) {
      expect((await create(config)).errors?.[0]?.extensions, JSON.stringify(config)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const id = ok(await create({})).createUserPool.id;
    const update = await server.gql('mutation($id: ID!, $input: UpdateUserPoolInput!) { updateUserPool(id: $id, input: $input) { id } }', {
      id,
      input: { config: { payloadSchema: { properties: { profile: { minLength: 'x' } } } } },
    });
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.config.payloadSchema' });
  });

  it('mail templates are the pool’s own', async () => {
    const templated = await createNativePool(server, {
      publicRegistration: true,
      mailTemplates: { activation: { subject: 'Welcome to Acme', text: 'Acme code: {{code}} (for {{email}})' } },
    });
    expect((await postJson(server, '/auth/register', { pool_id: templated, email: 'quin@example.com', password: 'a quiet walk in the park' })).status).toBe(
      201,
    );
    const mail = await inbox.next('quin@example.com');
    expect(mail.subject).toBe('Welcome to Acme');
    expect(mail.text).toMatch(/^Acme code: \d{6} \(for quin@example.com\)/);
    // The HTML part not overridden: the default's.
    expect(mail.html).toContain('Your activation code is');
  });
});
