import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context.js';
import { CreatePrehookInput, PrehookType, UpdatePrehookInput } from './prehook.types.js';

@Resolver(() => PrehookType)
export class PrehookResolver {
  @Query(() => [PrehookType], { description: 'By event, in run order.' })
  prehooks(@Ctx() { services }: GraphQLContext): Promise<PrehookType[]> {
    return services.prehooks.list();
  }

  @Mutation(() => PrehookType, { description: 'The code is checked when saved: a syntax error names its line.' })
  createPrehook(@Ctx() { services }: GraphQLContext, @Arg('input', () => CreatePrehookInput) input: CreatePrehookInput): Promise<PrehookType> {
    return services.prehooks.create(input);
  }

  @Mutation(() => PrehookType)
  updatePrehook(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdatePrehookInput) input: UpdatePrehookInput,
  ): Promise<PrehookType> {
    return services.prehooks.update(id, input);
  }

  @Mutation(() => Boolean)
  deletePrehook(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return services.prehooks.delete(id);
  }
}
