import 'reflect-metadata';
import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../graphql/context.js';
import { uuidArg } from '../graphql/validate.js';
import { AppClientType, CreateAppClientInput, UpdateAppClientInput } from './app-client.types.js';

@Resolver(() => AppClientType)
export class AppClientResolver {
  @Query(() => [AppClientType], { description: 'The apps that sign users in through Tributary, oldest first (never their secrets).' })
  appClients(@Ctx() { services }: GraphQLContext): Promise<AppClientType[]> {
    return services.appClients.list();
  }

  @Mutation(() => AppClientType, { description: 'Registers an app; a confidential client’s secret is in this answer only.' })
  createAppClient(@Ctx() { services }: GraphQLContext, @Arg('input', () => CreateAppClientInput) input: CreateAppClientInput): Promise<AppClientType> {
    return services.appClients.create(input);
  }

  @Mutation(() => AppClientType)
  updateAppClient(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID, uuidArg('id')) id: string,
    @Arg('input', () => UpdateAppClientInput) input: UpdateAppClientInput,
  ): Promise<AppClientType> {
    return services.appClients.update(id, input);
  }

  @Mutation(() => Boolean, { description: 'Removes the app; its tokens stop working at once.' })
  deleteAppClient(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<boolean> {
    return services.appClients.delete(id);
  }

  @Mutation(() => AppClientType, { description: 'A new secret for a confidential client, in this answer only; the old one stops working at once.' })
  rotateAppClientSecret(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, uuidArg('id')) id: string): Promise<AppClientType> {
    return services.appClients.rotateSecret(id);
  }
}
