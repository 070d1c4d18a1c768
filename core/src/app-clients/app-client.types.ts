import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { z } from 'zod';
import { name } from '../graphql/inputs.js';
import { DateTimeScalar } from '../graphql/scalars.js';
import { corsOriginProblem, redirectUriProblem } from './redirect-uris.js';

@ObjectType('AppClient', { description: 'An app that signs its users in through Tributary as an OpenID Provider (authorization code flow with PKCE).' })
export class AppClientType {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'The OAuth client_id the app sends; the ID token audience.' }) clientId!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'The client secret: only in the answer of createAppClient and rotateAppClientSecret (stored hashed, never shown again); null for public clients.',
  })
  clientSecret!: string | null;
  @Field(() => String) name!: string;
  @Field(() => [String], { description: 'Where the app may receive codes; compared exactly.' }) redirectUris!: string[];
  @Field(() => [String], { description: 'Where RP-initiated logout may send the user back; compared exactly.' }) postLogoutRedirectUris!: string[];
  @Field(() => Boolean, { description: 'A public client (browser or mobile app) has no secret and must use PKCE.' }) public!: boolean;
  @Field(() => [String], { description: 'Origins whose browser code may call the token, userinfo and revocation endpoints.' }) corsOrigins!: string[];
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

const uriList = (problem: (value: string) => string | null, max: number) =>
  z
    .array(
      z
        .string()
        .max(2048, 'must be at most 2048 characters')
        .superRefine((value, ctx) => {
          const found = problem(value);
          if (found) ctx.addIssue({ code: 'custom', message: found });
        }),
    )
    .max(max, `must list at most ${max}`)
    .refine((values) => new Set(values).size === values.length, 'must not repeat a value');

const redirectUris = uriList(redirectUriProblem, 50).refine((values) => values.length > 0, 'must list at least one URI');
const postLogoutRedirectUris = uriList(redirectUriProblem, 50);
const corsOrigins = uriList(corsOriginProblem, 50);

@InputType()
export class CreateAppClientInput {
  static readonly schema = z.object({ name, redirectUris, postLogoutRedirectUris, public: z.boolean(), corsOrigins: corsOrigins.nullish() });
  @Field(() => String) name!: string;
  @Field(() => [String]) redirectUris!: string[];
  @Field(() => [String]) postLogoutRedirectUris!: string[];
  @Field(() => Boolean, { description: 'true: no secret, PKCE required (browser and mobile apps); false: a confidential client with a secret.' })
  public!: boolean;
  @Field(() => [String], { nullable: true }) corsOrigins?: string[] | null;
}

@InputType()
export class UpdateAppClientInput {
  static readonly schema = z.object({
    name: name.nullish(),
    redirectUris: redirectUris.nullish(),
    postLogoutRedirectUris: postLogoutRedirectUris.nullish(),
    corsOrigins: corsOrigins.nullish(),
  });
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => [String], { nullable: true }) redirectUris?: string[] | null;
  @Field(() => [String], { nullable: true }) postLogoutRedirectUris?: string[] | null;
  @Field(() => [String], { nullable: true }) corsOrigins?: string[] | null;
}
