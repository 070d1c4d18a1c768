import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { GraphQLError, ValidationContext } from 'graphql';

// Report the rejection as a validation error; the default (throwing) would surface as a 500.
const report = { propagateOnRejection: false, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)] };

/** Validation rules that refuse abusive queries before they run. */
export const queryLimits = [
  // Introspection is counted too (it is the only recursive part of the schema); 15 admits the standard introspection query.
  maxDepthRule({ n: 15, ignoreIntrospection: false, exposeLimits: true, ...report }),
  costLimitRule({ maxCost: 5000, exposeLimits: true, ...report }),
  maxAliasesRule({ n: 15, exposeLimits: true, ...report }),
];

export const MAX_BODY_BYTES = '256kb';
