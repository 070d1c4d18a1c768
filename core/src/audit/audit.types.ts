import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { z } from 'zod';
import { PageInfo, TOTAL_COUNT, type Page } from '../graphql/connection.js';
import { DateTimeScalar, JSONObjectScalar } from '../graphql/scalars.js';

@ObjectType('AuditEvent')
export class AuditEventType {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: '`admin-key:<name>`, `user:<id>`, `cli`, `system`.' }) actor!: string;
  @Field(() => String, { description: 'The mutation (`createUserPool`), or `sign-in`, ...' }) action!: string;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => String, { description: '`ok` or an error code.' }) outcome!: string;
  @Field(() => JSONObjectScalar, { description: 'Ids, codes and durations; never arguments or secrets.' }) details!: Record<string, unknown>;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@ObjectType()
export class AuditEventEdge {
  @Field(() => AuditEventType) node!: AuditEventType;
  @Field(() => String) cursor!: string;
}

@ObjectType()
export class AuditEventConnection {
  @Field(() => [AuditEventEdge]) edges!: AuditEventEdge[];
  @Field(() => [AuditEventType]) nodes!: AuditEventType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(TOTAL_COUNT.type, { description: TOTAL_COUNT.description }) totalCount!: number;
  count!: Page<AuditEventType>['count'];
}

const text = z.string().min(1, 'must not be empty').max(255, 'must be at most 255 characters');

@InputType()
export class AuditEventFilterInput {
  static readonly schema = z.object({
    actor: text.nullish(),
    action: text.nullish(),
    targetId: text.nullish(),
    outcome: text.nullish(),
    since: z.date().nullish(),
  });
  static readonly argName = 'filter';
  @Field(() => String, { nullable: true, description: 'Exact, such as admin-key:ci-robot.' }) actor?: string | null;
  @Field(() => String, { nullable: true }) action?: string | null;
  @Field(() => String, { nullable: true }) targetId?: string | null;
  @Field(() => String, { nullable: true, description: '`ok` or an error code.' }) outcome?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Events at or after this instant.' }) since?: Date | null;
}
