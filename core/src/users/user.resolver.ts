import 'reflect-metadata';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { toPage } from '../graphql/connection.js';
import type { GraphQLContext, RoleRef } from '../graphql/context.js';
import { checkPage, encodeCursor } from '../graphql/pagination.js';
import { RoleType } from '../roles/role.types.js';
import type { UserView } from './user.repository.js';
import { CreateUserInput, UpdateUserInput, UserCapabilities, UserConnection, UserFilterInput, UserType, UserWriteBack } from './user.types.js';
import { uuidArg } from '../graphql/validate.js';
import { signsInHere } from './user.entity.js';

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserConnection)
  async users(
    @Ctx() { services }: GraphQLContext,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
    @Arg('filter', () => UserFilterInput, { nullable: true }) filter?: UserFilterInput | null,
  ): Promise<UserConnection> {
    const page = checkPage(first, after);
    const rows = await services.users.page(filter ?? {}, first, page.afterKey);
    return toPage(
      rows,
      first,
      Boolean(page.afterKey),
      (user) => encodeCursor(user.id),
      () => services.users.count(filter ?? {}),
    ) as unknown as UserConnection;
  }

  @Query(() => UserType, { nullable: true })
  user(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<UserView | null> {
    return services.users.byId(id);
  }

  @Query(() => UserType, { nullable: true })
  userByEmail(@Ctx() { services }: GraphQLContext, @Arg('email', () => String) email: string): Promise<UserView | null> {
    return services.users.byEmail(email);
  }

  @FieldResolver(() => [RoleType])
  roles(@Root() user: UserView, @Ctx() { loaders }: GraphQLContext): Promise<RoleRef[]> {
    return loaders.rolesByUser.load(user.id);
  }

  @FieldResolver(() => UserCapabilities)
  capabilities(@Root() user: UserView): UserCapabilities {
    // One-time-code sign-in is a NATIVE pool's opt-in (config.otpSignIn; self-service/otp-sign-in.ts); no SMS is sent.
    const local = signsInHere(user);
    const writesBack = Boolean(user.pool?.settings.writeBack);
    return {
      password: true,
      oneTimeCode: user.pool?.otpSignIn === true,
      sso: local,
      sms: false,
      editable: !user.pool?.settings.syncUserAttributes || writesBack,
    };
  }

  @FieldResolver(() => UserWriteBack, { nullable: true })
  async writeBack(@Root() user: UserView, @Ctx() { loaders }: GraphQLContext): Promise<UserWriteBack | null> {
    if (!user.pool?.settings.writeBack) return null;
    return loaders.writeBackByUser.load(user.id);
  }

  @Mutation(() => UserType)
  createUser(@Ctx() { services }: GraphQLContext, @Arg('input', () => CreateUserInput) input: CreateUserInput): Promise<UserView> {
    return services.users.create(input);
  }

  @Mutation(() => UserType, {
    description:
      'Refused with FORBIDDEN for profile and metadata while the user’s pool syncs attributes, unless it writes back (the edit then goes to the source too).',
  })
  updateUser(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID, uuidArg('id')) id: string,
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
  ): Promise<UserView> {
    return services.users.update(id, input);
  }

  @Mutation(() => Boolean, {
    description:
      'Mails a new activation code to a PENDING_ACTIVATION user of a NATIVE pool (the previous code stops working). BAD_USER_INPUT for any other user.',
  })
  sendActivationMessage(@Ctx() { services }: GraphQLContext, @Arg('userId', () => ID, uuidArg('userId')) userId: string): Promise<boolean> {
    return services.users.sendActivationMessage(userId);
  }

  @Mutation(() => Boolean)
  deleteUser(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<boolean> {
    return services.users.delete(id);
  }

  @Mutation(() => UserType, {
    nullable: true,
    description:
      'Sends the change the source refused (User.writeBack.blocked) again, with the changes behind it, once the cause is fixed at the source; changes waiting out an outage are retried by themselves (then this only hands the user to the queue). BAD_USER_INPUT when nothing is pending. Returns the user; null when it was deleted here (its delete is what waits).',
  })
  async retryWriteBack(@Ctx() { services }: GraphQLContext, @Arg('userId', () => ID, uuidArg('userId')) userId: string): Promise<UserView | null> {
    await services.writeBack.retry(userId, (await services.users.byId(userId)) !== null);
    return services.users.byId(userId);
  }

  @Mutation(() => UserType, {
    nullable: true,
    description:
      'Gives up on the change the source refused (User.writeBack.blocked), so the user’s later changes go through. The change stays made here and never reaches the source: the two disagree on it until an admin makes it again or the source is edited to match, and a sync or sign-in that copies attributes from the source may then overwrite it here. A refused create takes all of the user’s pending changes with it: the user then exists here only, cannot sign in through its pool, and later changes to it are refused in turn. BAD_USER_INPUT when the oldest pending change was not refused (outages are retried until they end). Audited with the actions discarded. Returns the user; null when it was deleted here.',
  })
  async discardWriteBack(@Ctx() { services, actor }: GraphQLContext, @Arg('userId', () => ID, uuidArg('userId')) userId: string): Promise<UserView | null> {
    const discarded = await services.writeBack.discard(userId, (await services.users.byId(userId)) !== null);
    await services.audit.record({
      actor: `admin-key:${actor.name}`,
      action: 'writeBackDiscarded',
      target: userId,
      outcome: 'ok',
      details: { adminKeyId: actor.id, changes: discarded },
    });
    return services.users.byId(userId);
  }
}

@Resolver(() => UserConnection)
export class UserConnectionResolver {
  @FieldResolver(() => Int)
  totalCount(@Root() connection: UserConnection): Promise<number> {
    return connection.count().then((count) => count.value);
  }

  @FieldResolver(() => Boolean)
  totalCountIsExact(@Root() connection: UserConnection): Promise<boolean> {
    return connection.count().then((count) => count.exact);
  }
}
