import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { z } from 'zod';
import { stringEnum } from '../graphql/enums.js';
import { code, name } from '../graphql/inputs.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { FAILURE_POLICIES, PREHOOK_EVENTS, type FailurePolicy, type PrehookEvent } from './prehook.entity.js';

export const PrehookEventEnum = stringEnum(PREHOOK_EVENTS, {
  name: 'PrehookEvent',
  description: 'When a prehook runs and what it may answer (core/src/prehooks/events.ts). Changes to profile, metadata and claims merge as JSON Merge Patch.',
  valuesConfig: {
    beforeUserCreate: {
      description:
        'A new user is about to be stored (first sign-in through a pool, or createUser). In order; may return { profile, metadata, tenantId } or { deny }.',
    },
    beforeSignIn: { description: 'Before the password is checked. In order; may return { deny }.' },
    afterAuthentication: { description: 'The credentials are good. In order; may return { metadata } (stored) or { deny }.' },
    userMigrated: {
      description: 'A user was just migrated from a pool. All at once, a notification: results and failures change nothing (failurePolicy does not apply).',
    },
    beforeTokenIssue: { description: 'The access token is about to be signed. In order; may return { claims } (reserved claims are ignored) or { deny }.' },
  },
});
export const FailurePolicyEnum = stringEnum(FAILURE_POLICIES, {
  name: 'FailurePolicy',
  description:
    'What a crash or timeout of the script does: DENY the operation or CONTINUE without it. A call that never ran (every isolate of the script busy past its queue time) stops a sequential event whatever the policy (a sign-in answers 503).',
});

export const MAX_PREHOOK_TIMEOUT_MS = 10_000;
const timeoutMs = z.number().int().min(1, 'must be at least 1').max(MAX_PREHOOK_TIMEOUT_MS, `must be at most ${MAX_PREHOOK_TIMEOUT_MS}`);
const position = z.number().int().min(0, 'must be at least 0').max(10_000);

@ObjectType('Prehook')
export class PrehookType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => PrehookEventEnum) event!: PrehookEvent;
  @Field(() => String, { description: 'An ES module whose default export is an async function of the event.' }) code!: string;
  @Field(() => Boolean) enabled!: boolean;
  @Field(() => Int) position!: number;
  @Field(() => Int) timeoutMs!: number;
  @Field(() => FailurePolicyEnum) failurePolicy!: FailurePolicy;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

@InputType()
export class CreatePrehookInput {
  static readonly schema = z.object({
    name,
    event: z.enum(PREHOOK_EVENTS),
    code,
    enabled: z.boolean().nullish(),
    position: position.nullish(),
    timeoutMs: timeoutMs.nullish(),
    failurePolicy: z.enum(FAILURE_POLICIES).nullish(),
  });
  @Field(() => String) name!: string;
  @Field(() => PrehookEventEnum) event!: PrehookEvent;
  @Field(() => String) code!: string;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => Int, { nullable: true, description: 'Run order within the event; appended when left out.' }) position?: number | null;
  @Field(() => Int, { nullable: true }) timeoutMs?: number | null;
  @Field(() => FailurePolicyEnum, { nullable: true }) failurePolicy?: FailurePolicy | null;
}

@InputType()
export class UpdatePrehookInput {
  static readonly schema = z.object({
    name: name.nullish(),
    code: code.nullish(),
    enabled: z.boolean().nullish(),
    position: position.nullish(),
    timeoutMs: timeoutMs.nullish(),
    failurePolicy: z.enum(FAILURE_POLICIES).nullish(),
  });
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) code?: string | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
  @Field(() => Int, { nullable: true }) position?: number | null;
  @Field(() => Int, { nullable: true }) timeoutMs?: number | null;
  @Field(() => FailurePolicyEnum, { nullable: true }) failurePolicy?: FailurePolicy | null;
}
