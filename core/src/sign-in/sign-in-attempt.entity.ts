import { defineEntity, p } from '@mikro-orm/core';

/** Failed sign-in counters, in PostgreSQL so every node sees the same ones. */
export const SignInAttemptSchema = defineEntity({
  name: 'SignInAttempt',
  tableName: 'sign_in_attempts',
  properties: {
    /** `acct:<email>`, `ip:<address>`, `acct-ip:<email>|<address>`. */
    key: p.string().primary(),
    failures: p.integer(),
    windowStartedAt: p.datetime(),
    blockedUntil: p.datetime().nullable(),
  },
});

export class SignInAttempt extends SignInAttemptSchema.class {}
SignInAttemptSchema.setClass(SignInAttempt);
