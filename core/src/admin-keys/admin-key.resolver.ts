import 'reflect-metadata';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context.js';
import { uuidArg } from '../graphql/validate.js';
import { AdminKeyType } from './admin-key.types.js';

@Resolver(() => AdminKeyType)
export class AdminKeyResolver {
  @Query(() => [AdminKeyType], { description: 'The keys that work (revoked ones are gone), oldest first.' })
  adminKeys(@Ctx() { services }: GraphQLContext): Promise<AdminKeyType[]> {
    return services.adminKeys.list();
  }

  @Mutation(() => Boolean, { description: 'Stops the key at once on every node. The last key cannot be revoked (CONFLICT): create another first.' })
  revokeAdminKey(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<boolean> {
    return services.adminKeys.revoke(id);
  }
}
