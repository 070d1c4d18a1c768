import 'reflect-metadata';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toPage } from '../graphql/connection.js';
import type { GraphQLContext } from '../graphql/context.js';
import { checkPage, encodeCursor } from '../graphql/pagination.js';
import { uuidArg } from '../graphql/validate.js';
import { badInput } from '../errors/index.js';
import { PoolActivityDayType, PoolStatsType, UserPoolType } from '../pools/pool.types.js';
import type { PoolJobView } from './pool-job.repository.js';
import { PoolJobConnection, PoolJobFilterInput, PoolJobInput, PoolJobType } from './pool-job.types.js';

const present = (job: PoolJobView): PoolJobType => ({
  id: job.id,
  kind: job.kind,
  status: job.status,
  dryRun: job.dryRun,
  pool: { id: job.poolId },
  progress: job.progress,
  report: job.report,
  error: job.error,
  createdAt: job.createdAt,
  startedAt: job.startedAt,
  finishedAt: job.finishedAt,
});

@Resolver(() => PoolJobType)
export class PoolJobResolver {
  @Mutation(() => PoolJobType, { description: "Reads every user of the pool's source and creates or updates them here (one job per pool at a time)." })
  async importUsers(@Ctx() { services }: GraphQLContext, @Arg('input', () => PoolJobInput) input: PoolJobInput): Promise<PoolJobType> {
    return present(await services.poolJobs.start('IMPORT', input.poolId, input.dryRun ?? false));
  }

  @Mutation(() => PoolJobType, { description: "An import that also applies the pool's sync.onSourceDeletion to users the source no longer has." })
  async syncUsers(@Ctx() { services }: GraphQLContext, @Arg('input', () => PoolJobInput) input: PoolJobInput): Promise<PoolJobType> {
    return present(await services.poolJobs.start('SYNC', input.poolId, input.dryRun ?? false));
  }

  @Mutation(() => PoolJobType, { description: 'A running job stops at its next batch; what it committed stays. CONFLICT once the job is over.' })
  async cancelPoolJob(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<PoolJobType> {
    return present(await services.poolJobs.cancel(id));
  }

  @Query(() => PoolJobType)
  async poolJob(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<PoolJobType> {
    return present(await services.poolJobs.get(id));
  }

  @Query(() => PoolJobConnection, { description: 'Imports and syncs, newest first.' })
  async poolJobs(
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => PoolJobFilterInput, { nullable: true }) filter?: PoolJobFilterInput | null,
  ): Promise<PoolJobConnection> {
    const page = checkPage(first, after);
    const rows = await services.poolJobs.page(filter ?? {}, first, page.afterKey);
    return toPage(
      rows.map(present),
      first,
      Boolean(page.afterKey),
      (job) => encodeCursor(job.id),
      async () => ({ value: await services.poolJobs.count(filter ?? {}), exact: true }),
    ) as unknown as PoolJobConnection;
  }
}

@Resolver(() => PoolJobConnection)
export class PoolJobConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: PoolJobConnection): Promise<number> {
    return connection.count().then((count) => count.value);
  }
}

@Resolver(() => UserPoolType)
export class PoolStatsResolver {
  @FieldResolver(() => PoolStatsType, { description: 'Migration dashboard figures; the pools of one answer are counted together.' })
  stats(@Root() pool: UserPoolType, @Ctx() { loaders }: GraphQLContext): Promise<PoolStatsType> {
    return loaders.poolStats.load(pool.id);
  }

  @FieldResolver(() => [PoolActivityDayType], {
    description: 'Sign-ins and migrations per UTC day over the last `days` days (1 to 366), oldest first, today last, days without any as zeros.',
  })
  activity(
    @Root() pool: UserPoolType,
    @Ctx() { loaders }: GraphQLContext,
    @Arg('days', () => Int, { defaultValue: 30 }) days: number,
  ): Promise<PoolActivityDayType[]> {
    if (!Number.isInteger(days) || days < 1 || days > 366) throw badInput('days', 'must be between 1 and 366');
    return loaders.poolActivity.load({ pool: pool.id, days });
  }
}
