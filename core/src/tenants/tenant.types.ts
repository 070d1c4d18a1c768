import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { z } from 'zod';
import { PageInfo, TOTAL_COUNT, type Page } from '../graphql/connection.js';
import { jsonObject, name, slug } from '../graphql/inputs.js';
import { DateTimeScalar, JSONObjectScalar } from '../graphql/scalars.js';

@ObjectType('Tenant')
export class TenantType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => JSONObjectScalar) metadata!: Record<string, unknown>;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

@ObjectType()
export class TenantEdge {
  @Field(() => TenantType) node!: TenantType;
  @Field(() => String) cursor!: string;
}

@ObjectType()
export class TenantConnection {
  @Field(() => [TenantEdge]) edges!: TenantEdge[];
  @Field(() => [TenantType]) nodes!: TenantType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(TOTAL_COUNT.type, { description: TOTAL_COUNT.description }) totalCount!: number;
  count!: Page<TenantType>['count'];
}

@InputType()
export class CreateTenantInput {
  static readonly schema = z.object({ id: slug.nullish(), name, metadata: jsonObject.nullish() });
  @Field(() => ID, { nullable: true, description: 'Chosen by the admin (`acme`) or generated.' }) id?: string | null;
  @Field(() => String) name!: string;
  @Field(() => JSONObjectScalar, { nullable: true }) metadata?: Record<string, unknown> | null;
}

@InputType()
export class UpdateTenantInput {
  static readonly schema = z.object({ name: name.nullish(), metadata: jsonObject.nullish() });
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => JSONObjectScalar, { nullable: true }) metadata?: Record<string, unknown> | null;
}

@InputType()
export class TenantFilterInput {
  static readonly schema = z.object({ name: z.string().max(200).nullish() });
  static readonly argName = 'filter';
  @Field(() => String, { nullable: true, description: 'Name prefix.' }) name?: string | null;
}
