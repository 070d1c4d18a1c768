import type { EntityManager } from '@mikro-orm/postgresql';
import type { UserPool } from '../pools/pool.entity.js';
import type { CreateUserInput } from './user.service.js';

/**
 * What a NATIVE pool adds to an admin's createUser and updateUser: its config lives in pools/ and its
 * codes and mails above users, so the server hands these rules to the users service
 * (self-service/native-rules.ts implements them). Errors are BAD_USER_INPUT naming the field.
 */
export interface NativeUserRules {
  /** Status, password (the pool's policy), sendActivation and the payload schema of a new user of `pool`. */
  checkCreate(pool: UserPool, input: CreateUserInput & { email: string }): Promise<void>;
  /** The user's data document `{ profile, metadata }` against the pool's payload schema. */
  checkDocument(pool: UserPool, document: { profile: Record<string, unknown>; metadata: Record<string, unknown> }): void;
  /** A new activation code and its mail, written through `em` (in its transaction). */
  queueActivation(em: EntityManager, user: { id: string; email: string }, pool: UserPool): Promise<void>;
}
