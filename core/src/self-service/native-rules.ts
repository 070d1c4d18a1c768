import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, badInput } from '../errors/index.js';
import { queueMail } from '../mail/outbox.js';
import { CODE_TTL_MINUTES, issueCode } from '../one-time-codes/one-time-codes.js';
import { assertPasswordAllowedForAdmin } from '../passwords/policy.js';
import { nativeConfigOf } from '../pools/native-config.js';
import type { UserPool } from '../pools/pool.entity.js';
import { checkAgainstSchema, type PayloadProblem } from '../pools/payload-schema.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { NativeUserRules } from '../users/native-user-rules.js';

/** `/profile/address/city` → `input.profile.address.city` (RFC 6901 escapes undone). */
export const fieldOfPointer = (pointer: string): string =>
  [
    'input',
    ...pointer
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')),
  ].join('.');

/** The user's data document against the pool's payload schema (none: anything goes); the first failure, or null. */
export function documentProblem(pool: UserPool, document: { profile: unknown; metadata: unknown }): PayloadProblem | null {
  const { payloadSchema } = nativeConfigOf(pool);
  return payloadSchema ? checkAgainstSchema(payloadSchema, document) : null;
}

/**
 * A new activation code for the user (replacing any live one) and the mail that carries it, both through
 * `em`: in the caller's transaction, so they exist exactly when what asked for them was committed.
 */
export async function queueActivation(em: EntityManager, box: SecretBox, user: { id: string; email: string }, pool: UserPool): Promise<void> {
  const code = await issueCode(em, { userId: user.id, purpose: 'ACTIVATION' }, box);
  await queueMail(
    em,
    {
      to: user.email,
      template: 'activation',
      poolId: pool.id,
      vars: { code, email: user.email, expiresInMinutes: CODE_TTL_MINUTES },
      ttlMinutes: CODE_TTL_MINUTES,
    },
    box,
  );
}

/** The admin side of native pools (users/native-user-rules.ts): createUser and updateUser of their users. */
export function nativeUserRules(box: SecretBox): NativeUserRules {
  return {
    async checkCreate(pool, input) {
      const status = input.status ?? 'ACTIVE';
      if (input.sendActivation && status !== 'PENDING_ACTIVATION') {
        throw badInput('input.sendActivation', `only a PENDING_ACTIVATION user is sent an activation code (status is ${status})`);
      }
      if (status === 'ACTIVE' && !input.password) {
        throw badInput('input.password', 'is required for an ACTIVE user of a native pool (or create the user PENDING_ACTIVATION with sendActivation)');
      }
      if (input.password)
        await assertPasswordAllowedForAdmin(input.password, { email: input.email, policy: nativeConfigOf(pool).passwordPolicy }, 'input.password');
      this.checkDocument(pool, { profile: input.profile ?? {}, metadata: input.metadata ?? {} });
    },
    checkDocument(pool, document) {
      const problem = documentProblem(pool, document);
      if (!problem) return;
      const field = fieldOfPointer(problem.path);
      throw new AppError('BAD_USER_INPUT', `${field}: ${problem.message} (the payload schema of pool "${pool.name}")`, field);
    },
    queueActivation: (em, user, pool) => queueActivation(em, box, user, pool),
  };
}
