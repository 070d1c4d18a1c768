import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { z } from 'zod';
import { PageInfo, TOTAL_COUNT, type Page } from '../graphql/connection.js';
import { stringEnum } from '../graphql/enums.js';
import { uuid } from '../graphql/inputs.js';
import { DateTimeScalar, JSONObjectScalar } from '../graphql/scalars.js';
import { POOL_JOB_KINDS, POOL_JOB_STATUSES, type PoolJobKind, type PoolJobStatus } from './pool-job.entity.js';

export const PoolJobKindEnum = stringEnum(POOL_JOB_KINDS, { name: 'PoolJobKind' });
export const PoolJobStatusEnum = stringEnum(POOL_JOB_STATUSES, { name: 'PoolJobStatus' });

@ObjectType()
export class PoolJobProgressType {
  @Field(() => Int, { description: 'Users read from the source.' }) seen!: number;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int, { description: 'Users disabled because the source no longer has them.' }) disabled!: number;
  @Field(() => Int, { description: 'Users deleted because the source no longer has them.' }) deleted!: number;
  @Field(() => Int, { description: 'Source users whose email another user (local, migrated, of another pool) holds: left alone.' })
  conflicts!: number;
  @Field(() => Int, { description: 'Source users that could not be read (no usable email or id).' }) failed!: number;
  @Field(() => Int, {
    description:
      'Source users taken with something left out, listed in report.warnings (a password hash in a format Tributary does not know: they keep signing in through the source).',
  })
  warnings!: number;
}

@ObjectType('PoolJobPool')
export class PoolJobPoolRef {
  @Field(() => ID) id!: string;
}

@ObjectType('PoolJob')
export class PoolJobType {
  @Field(() => ID) id!: string;
  @Field(() => PoolJobKindEnum) kind!: PoolJobKind;
  @Field(() => PoolJobStatusEnum) status!: PoolJobStatus;
  @Field(() => Boolean, { description: 'Nothing changes; the report says what would.' }) dryRun!: boolean;
  @Field(() => PoolJobPoolRef) pool!: PoolJobPoolRef;
  @Field(() => PoolJobProgressType) progress!: PoolJobProgressType;
  @Field(() => JSONObjectScalar, {
    description:
      'Samples of what was (in a dry run: would be) created, updated (with a diff of attributes), disabled, deleted, the conflicts and the warnings.',
  })
  report!: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: 'The last failure, as an admin may read it (retried with backoff until the job fails).' })
  error!: string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) startedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) finishedAt!: Date | null;
}

@ObjectType()
export class PoolJobEdge {
  @Field(() => PoolJobType) node!: PoolJobType;
  @Field(() => String) cursor!: string;
}

@ObjectType()
export class PoolJobConnection {
  @Field(() => [PoolJobEdge]) edges!: PoolJobEdge[];
  @Field(() => [PoolJobType]) nodes!: PoolJobType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(TOTAL_COUNT.type, { description: TOTAL_COUNT.description }) totalCount!: number;
  count!: Page<PoolJobType>['count'];
}

@InputType()
export class PoolJobInput {
  static readonly schema = z.object({ poolId: uuid, dryRun: z.boolean().nullish() });
  @Field(() => ID) poolId!: string;
  @Field(() => Boolean, { nullable: true, description: 'Default false.' }) dryRun?: boolean | null;
}

@InputType()
export class PoolJobFilterInput {
  static readonly schema = z.object({ poolId: uuid.nullish(), kind: z.enum(POOL_JOB_KINDS).nullish(), status: z.enum(POOL_JOB_STATUSES).nullish() });
  static readonly argName = 'filter';
  @Field(() => ID, { nullable: true }) poolId?: string | null;
  @Field(() => PoolJobKindEnum, { nullable: true }) kind?: PoolJobKind | null;
  @Field(() => PoolJobStatusEnum, { nullable: true }) status?: PoolJobStatus | null;
}
