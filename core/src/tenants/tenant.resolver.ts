import 'reflect-metadata';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { encodeCursor, checkPage } from '../graphql/pagination.js';
import { toPage } from '../graphql/connection.js';
import type { GraphQLContext } from '../graphql/context.js';
import { CreateTenantInput, TenantConnection, TenantFilterInput, TenantType, UpdateTenantInput } from './tenant.types.js';

@Resolver(() => TenantConnection)
export class TenantResolver {
  @Query(() => TenantConnection)
  async tenants(
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => TenantFilterInput, { nullable: true }) filter?: TenantFilterInput | null,
  ): Promise<TenantConnection> {
    const page = checkPage(first, after);
    const rows = await services.tenants.page(first, page.afterKey, filter?.name);
    return toPage(
      rows,
      first,
      Boolean(page.afterKey),
      (tenant) => encodeCursor(tenant.id),
      async () => ({ value: await services.tenants.count(filter?.name), exact: true }),
    ) as TenantConnection;
  }

  @FieldResolver(() => Int)
  totalCount(@Root() connection: TenantConnection): Promise<number> {
    return connection.count().then((count) => count.value);
  }

  @Query(() => TenantType)
  tenant(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<TenantType> {
    return services.tenants.get(id);
  }

  @Mutation(() => TenantType)
  createTenant(@Ctx() { services }: GraphQLContext, @Arg('input', () => CreateTenantInput) input: CreateTenantInput): Promise<TenantType> {
    return services.tenants.create(input);
  }

  @Mutation(() => TenantType)
  updateTenant(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateTenantInput) input: UpdateTenantInput,
  ): Promise<TenantType> {
    return services.tenants.update(id, input);
  }

  @Mutation(() => Boolean)
  deleteTenant(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return services.tenants.delete(id);
  }
}
