import 'reflect-metadata';
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { z } from 'zod';
import { DateTimeScalar } from '../graphql/scalars.js';

/** Never the key or its hash: the key is shown once, in the answer of createAdminKey (or by the CLI); only its hash is stored. */
@ObjectType('AdminKey')
export class AdminKeyType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) lastUsedAt!: Date | null;
}

@InputType()
export class CreateAdminKeyInput {
  static readonly schema = z.object({ name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters') });
  @Field(() => String, { description: 'Who or what holds the key, to tell keys apart in the list.' }) name!: string;
}

/** The only answer that ever carries the key: nothing stores it, so a lost key is revoked and replaced. */
@ObjectType('CreatedAdminKey')
export class CreatedAdminKeyType {
  @Field(() => AdminKeyType) adminKey!: AdminKeyType;
  @Field(() => String, { description: 'The bearer key, shown this once: only its hash is stored.' }) key!: string;
}
