import 'reflect-metadata';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { z } from 'zod';
import { name, slug } from '../graphql/inputs.js';

@ObjectType('Role')
export class RoleType {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Source roles map to the local role whose key equals their name.' }) key!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class CreateRoleInput {
  static readonly schema = z.object({ key: slug, name, description: z.string().max(2000, 'must be at most 2000 characters').nullish() });
  @Field(() => String) key!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
}
