import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { z } from 'zod';
import { stringEnum } from '../graphql/enums.js';
import { PageInfo, TOTAL_COUNT, type Page } from '../graphql/connection.js';
import { USERS_EXACT_COUNT_LIMIT } from './user.repository.js';
import { email, jsonObject, password, slug, uuid } from '../graphql/inputs.js';
import { DateTimeScalar, JSONObjectScalar } from '../graphql/scalars.js';
import { RoleType } from '../roles/role.types.js';
import { USER_STATUSES, type UserStatus } from './user.entity.js';

export const UserStatusEnum = stringEnum(USER_STATUSES, { name: 'UserStatus' });

@ObjectType()
export class TenantRef {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
}

@ObjectType()
export class PoolRef {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
}

@ObjectType({ description: 'Sign-in methods open to the user. Users stored externally (not migrated) cannot use one-time codes, SSO or SMS.' })
export class UserCapabilities {
  @Field(() => Boolean) password!: boolean;
  @Field(() => Boolean) oneTimeCode!: boolean;
  @Field(() => Boolean) sso!: boolean;
  @Field(() => Boolean) sms!: boolean;
  @Field(() => Boolean, { description: 'False while the owning pool syncs attributes: profile and metadata are read-only.' }) editable!: boolean;
}

@ObjectType('UserWriteBack')
export class UserWriteBack {
  @Field(() => Boolean, { description: 'A change made here has not reached the source yet (it is retried until it does).' }) pending!: boolean;
  @Field(() => String, { nullable: true, description: 'Why the oldest pending change failed last, if it did.' }) lastError!: string | null;
  @Field(() => Boolean, {
    description:
      'The source refused the oldest pending change (not an outage): it is not retried by itself and the later changes wait behind it, until retryWriteBack or discardWriteBack.',
  })
  blocked!: boolean;
}

@ObjectType('User')
export class UserType {
  @Field(() => ID) id!: string;
  @Field(() => String) email!: string;
  @Field(() => UserStatusEnum) status!: UserStatus;
  @Field(() => TenantRef, { nullable: true }) tenant!: TenantRef | null;
  @Field(() => [RoleType]) roles!: RoleType[];
  @Field(() => PoolRef, { nullable: true, description: 'The pool that owns the credentials; null for local users (native or migrated).' })
  pool!: PoolRef | null;
  @Field(() => PoolRef, { nullable: true }) migratedFrom!: PoolRef | null;
  @Field(() => String, { nullable: true }) externalId!: string | null;
  @Field(() => JSONObjectScalar) profile!: Record<string, unknown>;
  @Field(() => JSONObjectScalar) metadata!: Record<string, unknown>;
  @Field(() => UserCapabilities) capabilities!: UserCapabilities;
  @Field(() => UserWriteBack, { nullable: true, description: 'Users of a pool that writes back (settings.writeBack); null for others.' })
  writeBack!: UserWriteBack | null;
  @Field(() => DateTimeScalar, { nullable: true }) migratedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastSignInAt!: Date | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

@ObjectType()
export class UserEdge {
  @Field(() => UserType) node!: UserType;
  @Field(() => String) cursor!: string;
}

@ObjectType()
export class UserConnection {
  @Field(() => [UserEdge]) edges!: UserEdge[];
  @Field(() => [UserType]) nodes!: UserType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(TOTAL_COUNT.type, {
    description: `All matching users, across pages: exact up to ${USERS_EXACT_COUNT_LIMIT.toLocaleString('en')}, above that PostgreSQL's estimate (see totalCountIsExact), so that counting never costs more than the page.`,
  })
  totalCount!: number;
  @Field(() => Boolean, { description: 'False when totalCount is an estimate.' }) totalCountIsExact!: boolean;
  count!: Page<UserType>['count'];
}

@InputType()
export class UserFilterInput {
  static readonly schema = z.object({
    email: z.string().max(254).nullish(),
    tenantId: slug.nullish(),
    poolId: uuid.nullish(),
    status: z.enum(USER_STATUSES).nullish(),
  });
  static readonly argName = 'filter';
  @Field(() => String, { nullable: true, description: 'Email prefix, case-insensitive.' }) email?: string | null;
  @Field(() => ID, { nullable: true }) tenantId?: string | null;
  @Field(() => ID, { nullable: true }) poolId?: string | null;
  @Field(() => UserStatusEnum, { nullable: true }) status?: UserStatus | null;
}

@InputType()
export class CreateUserInput {
  static readonly schema = z.object({
    poolId: uuid.nullish(),
    email,
    password: password.nullish(),
    status: z.enum(USER_STATUSES).nullish(),
    tenantId: slug.nullish(),
    roleKeys: z.array(slug).max(100).nullish(),
    profile: jsonObject.nullish(),
    metadata: jsonObject.nullish(),
    sendActivation: z.boolean().nullish(),
  });
  @Field(() => ID, {
    nullable: true,
    description:
      'A NATIVE pool (the user is its own: PENDING_ACTIVATION, optionally mailed a code, or ACTIVE with a password), or an EXTERNAL pool that writes back (the user is created at its source too). Default: a local user.',
  })
  poolId?: string | null;
  @Field(() => String) email!: string;
  @Field(() => String, { nullable: true, description: 'Stored as an argon2id hash; for a pool, handed to its source.' }) password?: string | null;
  @Field(() => UserStatusEnum, { nullable: true }) status?: UserStatus | null;
  @Field(() => ID, { nullable: true }) tenantId?: string | null;
  @Field(() => [String], { nullable: true }) roleKeys?: string[] | null;
  @Field(() => JSONObjectScalar, { nullable: true }) profile?: Record<string, unknown> | null;
  @Field(() => JSONObjectScalar, { nullable: true }) metadata?: Record<string, unknown> | null;
  @Field(() => Boolean, { nullable: true, description: 'Mail an activation code (a PENDING_ACTIVATION user of a NATIVE pool).' })
  sendActivation?: boolean | null;
}

@InputType()
export class UpdateUserInput {
  static readonly schema = z.object({
    profile: jsonObject.nullish(),
    metadata: jsonObject.nullish(),
    tenantId: slug.nullish(),
    roleKeys: z.array(slug).max(100).nullish(),
    status: z.enum(USER_STATUSES).nullish(),
  });
  @Field(() => JSONObjectScalar, { nullable: true }) profile?: Record<string, unknown> | null;
  @Field(() => JSONObjectScalar, { nullable: true }) metadata?: Record<string, unknown> | null;
  @Field(() => ID, { nullable: true, description: 'null removes the user from their tenant.' }) tenantId?: string | null;
  @Field(() => [String], { nullable: true }) roleKeys?: string[] | null;
  @Field(() => UserStatusEnum, { nullable: true }) status?: UserStatus | null;
}
