import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CreateGroupCommand,
  GroupExistsException,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

export const PASSWORD = 'Corr3ct-horse!';

export interface Fixture {
  poolId: string;
  clientId: string;
  secretClientId: string;
  clientSecret: string;
}

export async function createUser(
  admin: CognitoIdentityProviderClient,
  poolId: string,
  email: string,
  attributes: Record<string, string> = {},
  password: string | null = PASSWORD,
): Promise<void> {
  const UserAttributes = Object.entries({ email, email_verified: 'true', ...attributes }).map(([Name, Value]) => ({ Name, Value }));
  await admin.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: email, UserAttributes, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp-pass-1!' }),
  );
  if (password) await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: email, Password: password, Permanent: true }));
}

/** Changes attributes of a user in the peer, as an admin would in the Cognito console. */
export async function setAttributes(admin: CognitoIdentityProviderClient, poolId: string, email: string, attributes: Record<string, string>): Promise<void> {
  const UserAttributes = Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
  await admin.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: email, UserAttributes }));
}

/** Puts the user in exactly these groups (created when missing), as an admin would in the Cognito console. */
export async function setGroups(admin: CognitoIdentityProviderClient, poolId: string, email: string, groups: string[]): Promise<void> {
  // Group membership is by the real username (a generated id here), which AdminListGroupsForUser in cognito-local needs.
  const { Username } = await admin.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: email }));
  const pool = { UserPoolId: poolId, Username };
  const current = ((await admin.send(new AdminListGroupsForUserCommand(pool))).Groups ?? []).map((group) => group.GroupName!);
  for (const GroupName of current.filter((group) => !groups.includes(group))) await admin.send(new AdminRemoveUserFromGroupCommand({ ...pool, GroupName }));
  for (const GroupName of groups.filter((group) => !current.includes(group))) {
    await admin.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName })).catch((error: unknown) => {
      if (!(error instanceof GroupExistsException)) throw error;
    });
    await admin.send(new AdminAddUserToGroupCommand({ ...pool, GroupName }));
  }
}

/** A pool as a Cognito customer has it: a custom:tenantId attribute and an app client with ALLOW_USER_PASSWORD_AUTH. */
export async function createFixture(admin: CognitoIdentityProviderClient): Promise<Fixture> {
  const { UserPool } = await admin.send(
    new CreateUserPoolCommand({
      PoolName: 'tributary-test',
      Schema: [
        { Name: 'tenantId', AttributeDataType: 'String', Mutable: true },
        { Name: 'plan', AttributeDataType: 'String', Mutable: true },
      ],
    }),
  );
  const poolId = UserPool!.Id!;
  const flows = ['ALLOW_USER_PASSWORD_AUTH' as const, 'ALLOW_REFRESH_TOKEN_AUTH' as const];
  const plain = await admin.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'plain', ExplicitAuthFlows: flows }));
  const withSecret = await admin.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'secret', ExplicitAuthFlows: flows, GenerateSecret: true }),
  );
  await createUser(admin, poolId, 'alice@example.com', { given_name: 'Alice', family_name: 'Liddell', 'custom:tenantId': 'tenant-1', 'custom:plan': 'gold' });
  await createUser(admin, poolId, 'bob@example.com', { 'custom:tenantId': 'tenant-2' });
  await admin.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'bob@example.com' }));
  await createUser(admin, poolId, 'carol@example.com', {}, null);
  return {
    poolId,
    clientId: plain.UserPoolClient!.ClientId!,
    secretClientId: withSecret.UserPoolClient!.ClientId!,
    clientSecret: withSecret.UserPoolClient!.ClientSecret ?? 'local-secret',
  };
}
