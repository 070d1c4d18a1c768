import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context.js';
import { JSONObjectScalar } from '../graphql/scalars.js';
import type { PrehookRunRecord } from './run-log.js';
import { PrehookRunType } from './prehook-run.types.js';
import { CreatePrehookInput, PrehookType, UpdatePrehookInput } from './prehook.types.js';
import { uuidArg } from '../graphql/validate.js';

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
    @Arg('id', () => ID, uuidArg('id')) id: string,
    @Arg('input', () => UpdatePrehookInput) input: UpdatePrehookInput,
  ): Promise<PrehookType> {
    return services.prehooks.update(id, input);
  }

  @Query(() => [PrehookRunType], { description: 'The execution log of a prehook, newest first (the last 100 runs are kept).' })
  async prehookRuns(
    @Ctx() { services }: GraphQLContext,
    @Arg('prehookId', () => ID) prehookId: string,
    @Arg('first', () => Int, { defaultValue: 20 }) first: number,
  ): Promise<PrehookRunType[]> {
    return (await services.prehooks.runs(prehookId, first)).map((run) => toRunType(run));
  }

  @Mutation(() => PrehookRunType, {
    description: 'Runs the prehook (enabled or not) on a sample event payload; `event` is set to the prehook’s. Changes nothing but the run log.',
  })
  async testPrehook(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID, uuidArg('id')) id: string,
    @Arg('payload', () => JSONObjectScalar) payload: Record<string, unknown>,
  ): Promise<PrehookRunType> {
    const run = await services.prehooks.test(id, payload);
    return toRunType(run, run.result);
  }

  @Mutation(() => Boolean)
  deletePrehook(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<boolean> {
    return services.prehooks.delete(id);
  }
}

function toRunType(run: PrehookRunRecord, result?: unknown): PrehookRunType {
  const { errorMessage, ...rest } = run;
  return Object.assign(new PrehookRunType(), { ...rest, error: errorMessage, result: result ?? null });
}
