// type-graphql reads decorator metadata through this polyfill: every module with type-graphql decorators imports it first.
import 'reflect-metadata';
export { GraphQLJSON as JSONScalar, GraphQLJSONObject as JSONObjectScalar, GraphQLDateTimeISO as DateTimeScalar } from 'graphql-scalars';
