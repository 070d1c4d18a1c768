// type-graphql reads decorator metadata through this polyfill; every GraphQL type module imports this file.
import 'reflect-metadata';
export { GraphQLJSON as JSONScalar, GraphQLJSONObject as JSONObjectScalar, GraphQLDateTimeISO as DateTimeScalar } from 'graphql-scalars';
