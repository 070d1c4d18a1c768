import 'reflect-metadata';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context.js';
import { DEFAULT_SOURCE_TIMEOUT_MS, DEFAULT_SYNC_SETTINGS, type UserPool } from './pool.entity.js';
import { ConnectionTestResultType, CreateUserPoolInput, PoolSource, UpdateUserPoolInput, UserPoolType } from './pool.types.js';
import { uuidArg } from '../graphql/validate.js';

@Resolver(() => UserPoolType)
export class PoolResolver {
  @Query(() => [UserPoolType], { description: 'In sign-in order.' })
  async userPools(@Ctx() context: GraphQLContext): Promise<UserPoolType[]> {
    return (await context.services.pools.list()).map((pool) => present(context, pool));
  }

  @Query(() => UserPoolType)
  async userPool(@Ctx() context: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<UserPoolType> {
    return present(context, await context.services.pools.get(id));
  }

  @Query(() => [PoolSource], { description: 'Installed source plugins, and `native` (NATIVE pools), with the JSON Schema of their config.' })
  poolSources(@Ctx() { sources }: GraphQLContext): PoolSource[] {
    return sources.list().map((source) => ({ ...source, secretFields: [...source.secretFields], destinationFields: [...source.destinationFields] }));
  }

  @Mutation(() => UserPoolType)
  async createUserPool(@Ctx() context: GraphQLContext, @Arg('input', () => CreateUserPoolInput) input: CreateUserPoolInput): Promise<UserPoolType> {
    return present(context, await context.services.pools.create(input));
  }

  @Mutation(() => UserPoolType)
  async updateUserPool(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID, uuidArg('id')) id: string,
    @Arg('input', () => UpdateUserPoolInput) input: UpdateUserPoolInput,
  ): Promise<UserPoolType> {
    return present(context, await context.services.pools.update(id, input));
  }

  @Mutation(() => Boolean, { description: 'Refused with CONFLICT while the pool owns users (migrated users do not count).' })
  deleteUserPool(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<boolean> {
    return services.pools.delete(id);
  }

  @Mutation(() => [UserPoolType], { description: 'Every pool id once, in the new sign-in order.' })
  async reorderUserPools(@Ctx() context: GraphQLContext, @Arg('ids', () => [ID], uuidArg('ids')) ids: string[]): Promise<UserPoolType[]> {
    return (await context.services.pools.reorder(ids)).map((pool) => present(context, pool));
  }

  @Mutation(() => ConnectionTestResultType)
  testUserPoolConnection(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<ConnectionTestResultType> {
    return services.pools.testConnection(id);
  }
}

/** Entities are not GraphQL types: the sealed secrets never get near a field. */
function present({ services }: GraphQLContext, pool: UserPool): UserPoolType {
  return {
    id: pool.id,
    name: pool.name,
    type: pool.type,
    source: pool.source,
    config: services.pools.view(pool),
    settings: {
      ...pool.settings,
      timeoutMs: pool.settings.timeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS,
      linkExistingUsers: pool.settings.linkExistingUsers ?? false,
      sync: { ...DEFAULT_SYNC_SETTINGS, ...pool.settings.sync },
      writeBack: pool.settings.writeBack ?? false,
      reloadClaimsOnRefresh: pool.settings.reloadClaimsOnRefresh ?? true,
    },
    health: { ...services.pools.health(pool), circuit: services.pools.circuit(pool.id) },
    position: pool.position,
    enabled: pool.enabled,
    createdAt: pool.createdAt,
    updatedAt: pool.updatedAt,
  };
}
