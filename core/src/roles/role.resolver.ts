import 'reflect-metadata';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context.js';
import { CreateRoleInput, RoleType } from './role.types.js';
import { uuidArg } from '../graphql/validate.js';

@Resolver(() => RoleType)
export class RoleResolver {
  @Query(() => [RoleType])
  roles(@Ctx() { services }: GraphQLContext): Promise<RoleType[]> {
    return services.roles.list();
  }

  @Mutation(() => RoleType)
  createRole(@Ctx() { services }: GraphQLContext, @Arg('input', () => CreateRoleInput) input: CreateRoleInput): Promise<RoleType> {
    return services.roles.create(input);
  }

  @Mutation(() => Boolean)
  deleteRole(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<boolean> {
    return services.roles.delete(id);
  }
}
