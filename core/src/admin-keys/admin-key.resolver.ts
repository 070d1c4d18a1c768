import 'reflect-metadata';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context.js';
import { uuidArg } from '../graphql/validate.js';
import { AdminKeyType, CreateAdminKeyInput, CreatedAdminKeyType } from './admin-key.types.js';

@Resolver(() => AdminKeyType)
export class AdminKeyResolver {
  @Query(() => [AdminKeyType], { description: 'The keys that work (revoked ones are gone), oldest first.' })
  adminKeys(@Ctx() { services }: GraphQLContext): Promise<AdminKeyType[]> {
    return services.adminKeys.list();
  }

  @Mutation(() => CreatedAdminKeyType, {
    description: "A new key for another admin or robot; the key is in this answer only (the audit log records the new key's id, never the key).",
  })
  async createAdminKey(@Ctx() { services }: GraphQLContext, @Arg('input', () => CreateAdminKeyInput) input: CreateAdminKeyInput): Promise<CreatedAdminKeyType> {
    const { key, adminKey } = await services.adminKeys.create(input.name);
    const { id, name, createdAt, lastUsedAt } = adminKey;
    return { key, adminKey: { id, name, createdAt, lastUsedAt: lastUsedAt ?? null } };
  }

  @Mutation(() => Boolean, { description: 'Stops the key at once on every node. The last key cannot be revoked (CONFLICT): create another first.' })
  revokeAdminKey(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<boolean> {
    return services.adminKeys.revoke(id);
  }
}
