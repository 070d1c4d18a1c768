import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  type AttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { SourceError, type ExternalConnection, type Identity } from '@tributary/plugin-kit';
import { createCognitoClient, secretHash } from './client.js';
import type { CognitoConfig } from './config.js';
import { mapCognitoError, toSourceError, WRONG_CREDENTIALS } from './errors.js';
import { groupsFromIdToken, mapIdentity, profileToAttributes } from './map-identity.js';

/** AWS caps ListUsers at 60 per page. */
export const PAGE_SIZE = 60;

const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

export function connectCognito(config: CognitoConfig, ctx: Parameters<typeof createCognitoClient>[1]): ExternalConnection {
  const client = createCognitoClient(config, ctx);
  const pool = { UserPoolId: config.userPoolId };
  const tenantAttribute = config.tenantIdFieldName ? `custom:${config.tenantIdFieldName}` : undefined;

  async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toSourceError(error, operation);
    }
  }

  /** A user's groups, their roles in Tributary (AWS pages them by 60). */
  async function groupsOf(Username: string): Promise<string[]> {
    const groups: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await call('AdminListGroupsForUser', () => client.send(new AdminListGroupsForUserCommand({ ...pool, Username, Limit: 60, NextToken })));
      groups.push(...(page.Groups ?? []).flatMap((group) => (group.GroupName ? [group.GroupName] : [])));
      NextToken = page.NextToken;
    } while (NextToken);
    return groups;
  }

  async function findOne(filter: string): Promise<Identity | null> {
    const page = await call('ListUsers', () => client.send(new ListUsersCommand({ ...pool, Filter: filter, Limit: 1 })));
    const user = page.Users?.[0];
    if (!user) return null;
    return { ...mapIdentity(user, config.tenantIdFieldName), roles: user.Username ? await groupsOf(user.Username) : [] };
  }

  /** Admin* calls take a username; externalId is the sub, which only ListUsers can search. */
  async function usernameOf(externalId: string): Promise<string> {
    const page = await call('ListUsers', () => client.send(new ListUsersCommand({ ...pool, Filter: `sub = ${quote(externalId)}`, Limit: 1 })));
    const username = page.Users?.[0]?.Username;
    if (!username) throw new SourceError('REJECTED', 'no Cognito user has this id');
    return username;
  }

  return {
    async authenticate({ email, password }) {
      const AuthParameters: Record<string, string> = { USERNAME: email, PASSWORD: password };
      if (config.clientSecret) AuthParameters.SECRET_HASH = secretHash(config.clientSecret, email, config.clientId);
      let result;
      try {
        result = await client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: config.clientId, AuthParameters }));
      } catch (error) {
        const mapped = mapCognitoError(error, 'InitiateAuth');
        if (mapped === WRONG_CREDENTIALS) return null;
        throw mapped;
      }
      if (result.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
        throw new SourceError('REJECTED', 'the user must set a new password in Cognito first (NEW_PASSWORD_REQUIRED)');
      }
      if (result.ChallengeName) throw new SourceError('REJECTED', `Cognito asks for a ${result.ChallengeName} challenge we cannot answer`);
      const user = await call('AdminGetUser', () => client.send(new AdminGetUserCommand({ ...pool, Username: email })));
      // AWS refuses disabled users at InitiateAuth; cognito-local does not, so check again here.
      if (user.Enabled === false) throw new SourceError('REJECTED', 'the user is disabled in Cognito');
      if (user.UserStatus === 'FORCE_CHANGE_PASSWORD' || user.UserStatus === 'RESET_REQUIRED') {
        throw new SourceError('REJECTED', `the user must change their password in Cognito first (${user.UserStatus})`);
      }
      const identity = mapIdentity({ ...user, Attributes: user.UserAttributes }, config.tenantIdFieldName);
      // The groups are in the ID token Cognito just issued: no extra call on the sign-in path.
      const groups = groupsFromIdToken(result.AuthenticationResult?.IdToken);
      return { ...identity, roles: groups ?? (await groupsOf(user.Username ?? email)) };
    },

    getUser: (email) => findOne(`email = ${quote(email)}`),

    // Groups are left out of listed users: one extra call per user would exhaust the Cognito API quota.
    async listUsers(cursor) {
      const page = await call('ListUsers', () =>
        client.send(new ListUsersCommand({ ...pool, Limit: PAGE_SIZE, ...(cursor ? { PaginationToken: cursor } : {}) })),
      );
      return { users: (page.Users ?? []).map((user) => mapIdentity(user, config.tenantIdFieldName)), cursor: page.PaginationToken ?? null };
    },

    async createUser({ email, password, profile = {}, tenantId }) {
      const UserAttributes: AttributeType[] = [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }, ...profileToAttributes(profile)];
      if (tenantAttribute && tenantId) UserAttributes.push({ Name: tenantAttribute, Value: tenantId });
      let identity: Identity;
      let setPassword = Boolean(password);
      try {
        const created = await client.send(new AdminCreateUserCommand({ ...pool, Username: email, UserAttributes, MessageAction: 'SUPPRESS' }));
        identity = mapIdentity(created.User ?? { Username: email, Attributes: UserAttributes }, config.tenantIdFieldName);
      } catch (error) {
        if ((error as { name?: string } | null)?.name !== 'UsernameExistsException') throw toSourceError(error, 'AdminCreateUser');
        // Cognito takes no idempotency key: a repeat of this create whose answer was lost finds the user it made,
        // with every attribute asked for; a user made otherwise (other attributes) is someone else's account.
        const existing = await call('AdminGetUser', () => client.send(new AdminGetUserCommand({ ...pool, Username: email })));
        const has = new Map((existing.UserAttributes ?? []).map((attribute) => [attribute.Name, attribute.Value]));
        if (UserAttributes.some((attribute) => has.get(attribute.Name) !== attribute.Value)) {
          throw new SourceError('REJECTED', 'a Cognito user with this email already exists', { cause: error });
        }
        identity = mapIdentity({ ...existing, Attributes: existing.UserAttributes }, config.tenantIdFieldName);
        // The first attempt died between the two calls: the user still waits for its password. Otherwise it has it (and may have changed it since).
        setPassword &&= existing.UserStatus === 'FORCE_CHANGE_PASSWORD';
      }
      if (password && setPassword) {
        // AdminCreateUser only sets a temporary password; a permanent one avoids FORCE_CHANGE_PASSWORD.
        await call('AdminSetUserPassword', () =>
          client.send(new AdminSetUserPasswordCommand({ ...pool, Username: email, Password: password, Permanent: true })),
        );
      }
      return identity;
    },

    async updateUser(externalId, { profile, tenantId }) {
      const Username = await usernameOf(externalId);
      const UserAttributes = profileToAttributes(profile ?? {});
      if (tenantAttribute && tenantId) UserAttributes.push({ Name: tenantAttribute, Value: tenantId });
      if (UserAttributes.length > 0) {
        await call('AdminUpdateUserAttributes', () => client.send(new AdminUpdateUserAttributesCommand({ ...pool, Username, UserAttributes })));
      }
      if (tenantAttribute && tenantId === null) {
        await call('AdminDeleteUserAttributes', () =>
          client.send(new AdminDeleteUserAttributesCommand({ ...pool, Username, UserAttributeNames: [tenantAttribute] })),
        );
      }
    },

    async disableUser(externalId) {
      const Username = await usernameOf(externalId);
      await call('AdminDisableUser', () => client.send(new AdminDisableUserCommand({ ...pool, Username })));
    },

    async enableUser(externalId) {
      const Username = await usernameOf(externalId);
      await call('AdminEnableUser', () => client.send(new AdminEnableUserCommand({ ...pool, Username })));
    },

    async deleteUser(externalId) {
      const Username = await usernameOf(externalId);
      await call('AdminDeleteUser', () => client.send(new AdminDeleteUserCommand({ ...pool, Username })));
    },

    async test() {
      try {
        const { UserPool } = await client.send(new DescribeUserPoolCommand(pool));
        const attributes = (UserPool?.SchemaAttributes ?? []).map((a) => a.Name);
        const details: Record<string, unknown> = { poolName: UserPool?.Name, region: config.region };
        if (tenantAttribute && !attributes.includes(tenantAttribute)) {
          return { ok: false, message: `user pool "${UserPool?.Name}" has no ${tenantAttribute} attribute: add it or fix tenantIdFieldName`, details };
        }
        return { ok: true, message: `connected to user pool "${UserPool?.Name}"`, details };
      } catch (error) {
        const mapped = toSourceError(error, 'DescribeUserPool');
        return { ok: false, message: mapped.message, details: { code: mapped.code } };
      }
    },

    async close() {
      client.destroy();
    },
  };
}
