import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FieldNode, type OperationDefinitionNode } from 'graphql';
import type { GraphQLContext } from '../graphql/context.js';

/** The id argument of a root field, as a literal or a variable: the audit target, never a payload. */
function targetOf(field: FieldNode, variables: Record<string, unknown> | undefined): string | null {
  const argument = field.arguments?.find((arg) => arg.name.value === 'id');
  if (!argument) return null;
  if (argument.value.kind === Kind.STRING) return argument.value.value;
  if (argument.value.kind === Kind.VARIABLE) {
    const value = variables?.[argument.value.name.value];
    return typeof value === 'string' ? value : null;
  }
  return null;
}

/** One audit event per mutation field: who, what, which target, outcome. Arguments are not recorded (they may hold secrets). */
export function auditPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue, response, request }) {
          if (operation?.operation !== 'mutation' || !contextValue.services) return;
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const fields = (operation as OperationDefinitionNode).selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD);
          await Promise.all(
            fields.map((field) => {
              const key = field.alias?.value ?? field.name.value;
              const error = body?.errors?.find((e) => e.path?.[0] === key);
              return contextValue.services.audit.record({
                actor: `admin-key:${contextValue.actor.name}`,
                action: field.name.value,
                target: targetOf(field, request.variables),
                outcome: error ? String(error.extensions?.code ?? 'ERROR') : 'ok',
                details: { adminKeyId: contextValue.actor.id, ...(error ? { message: error.message } : {}) },
              });
            }),
          );
        },
      };
    },
  };
}
