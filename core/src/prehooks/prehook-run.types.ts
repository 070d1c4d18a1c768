import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars.js';
import type { PrehookEvent } from './prehook.entity.js';
import { PrehookEventEnum } from './prehook.types.js';
import type { RunErrorKind } from './run-log.js';

export const PrehookErrorKindEnum = {
  TIMEOUT: 'timeout',
  OOM: 'oom',
  SYNTAX: 'syntax',
  RUNTIME: 'runtime',
  DENIED: 'denied',
  OUTPUT: 'output',
  UNAVAILABLE: 'unavailable',
  INVALID_RESULT: 'invalid_result',
} as const satisfies Record<string, RunErrorKind>;
registerEnumType(PrehookErrorKindEnum, {
  name: 'PrehookErrorKind',
  description:
    'TIMEOUT: wall-clock or CPU limit; OOM: memory limit; SYNTAX: does not compile; RUNTIME: threw; DENIED: a refused import or fetch; OUTPUT: a result that is not JSON or too large; UNAVAILABLE: never ran, every isolate of the script stayed busy past its queue time; INVALID_RESULT: JSON the event does not take.',
});

@ObjectType('PrehookRun', { description: 'One run of a prehook: from an event, or from testPrehook.' })
export class PrehookRunType {
  @Field(() => ID) id!: string;
  @Field(() => ID) prehookId!: string;
  @Field(() => PrehookEventEnum) event!: PrehookEvent;
  @Field(() => Boolean, { description: 'The script ran and answered something its event takes (a denial included).' }) ok!: boolean;
  @Field(() => JSONScalar, {
    nullable: true,
    description:
      'What the script asked for, as checked against its event ({} for no change, { deny } for a denial). testPrehook only: the log keeps no results.',
  })
  result?: unknown;
  @Field(() => String, { nullable: true, description: 'Why the run failed, for the admin; end users never see it.' }) error!: string | null;
  @Field(() => PrehookErrorKindEnum, { nullable: true }) errorKind!: RunErrorKind | null;
  @Field(() => Int, { nullable: true, description: 'The line of the script the error points at.' }) errorLine!: number | null;
  @Field(() => Float) durationMs!: number;
  @Field(() => JSONScalar, { description: 'console output: [{ level, message, atMs }], capped per run.' }) log!: unknown;
  @Field(() => Boolean) logTruncated!: boolean;
  @Field(() => Boolean, { description: 'A testPrehook run.' }) test!: boolean;
  @Field(() => DateTimeScalar) createdAt!: Date;
}
