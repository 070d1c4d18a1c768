import type { MiddlewareFn } from 'type-graphql';
import { AppError } from '../errors/index.js';
import type { GraphQLContext } from '../graphql/context.js';
import { errorCode } from '../graphql/errors.js';

const idOf = (value: unknown): string | null =>
  value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : null;
/** The target named by the arguments: `id`, or the `userId` of mutations on a user (sendActivationMessage, retryWriteBack). */
const targetOf = (args: Record<string, unknown>): string | null => idOf(args) ?? (typeof args.userId === 'string' ? args.userId : null);
/** What the field returned: an object with an id, or the adminKey that createAdminKey returns beside its key (never the key). */
const resultTargetOf = (result: unknown): string | null =>
  idOf(result) ?? (result && typeof result === 'object' ? idOf((result as { adminKey?: unknown }).adminKey) : null);

/**
 * One audit event per executed Mutation root field, with its real outcome. It runs where the field
 * runs, so no way of writing the operation (fragments, aliases, directives) can skip it, and a field
 * that never executes (@skip, a variable that fails coercion) writes nothing rather than `ok`.
 * The target is the `id` argument, else the id of what the field returned; arguments are never
 * recorded (they may hold secrets), only the code and field of a failure.
 */
export const auditMutations: MiddlewareFn<GraphQLContext> = async ({ args, context, info }, next) => {
  if (info.parentType !== info.schema.getMutationType() || info.path.prev !== undefined) return next();
  const event = { actor: `admin-key:${context.actor.name}`, action: info.fieldName };
  const details = { adminKeyId: context.actor.id };
  try {
    const result: unknown = await next();
    await context.services.audit.record({ ...event, target: targetOf(args) ?? resultTargetOf(result), outcome: 'ok', details });
    return result;
  } catch (error) {
    const field = error instanceof AppError && error.field ? { field: error.field } : {};
    await context.services.audit.record({ ...event, target: targetOf(args), outcome: errorCode(error), details: { ...details, ...field } });
    throw error;
  }
};
