import 'reflect-metadata';
import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context.js';
import { uuidArg } from '../graphql/validate.js';
import type { UserView } from '../users/user.repository.js';
import { UserType } from '../users/user.types.js';

@Resolver()
export class PasswordResolver {
  @Mutation(() => UserType, {
    description:
      'Sets the password of a local or NATIVE-pool user (the pool’s password policy applies: BAD_USER_INPUT on `password`) and revokes all of the user’s refresh tokens. FORBIDDEN for a user of an EXTERNAL pool (not migrated) or an IdP pool: their source checks the password.',
  })
  async setUserPassword(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID, uuidArg('id')) id: string,
    @Arg('password', () => String) password: string,
  ): Promise<UserView> {
    await services.passwords.setUserPassword(id, password);
    return services.users.view(id);
  }
}
