import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';

/** Validation rules that refuse abusive queries before they run. */
export const queryLimits = [
  maxDepthRule({ n: 8, exposeLimits: true }),
  costLimitRule({ maxCost: 5000, exposeLimits: true }),
  maxAliasesRule({ n: 15, exposeLimits: true }),
];

export const MAX_BODY_BYTES = '256kb';
