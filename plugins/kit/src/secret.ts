import { z } from 'zod';

/**
 * Marks a config field as secret: stored encrypted, write-only over the admin API, never logged.
 * The mark travels in the JSON Schema as `writeOnly: true`, so admin UIs render a password field.
 */
export function secret<T extends z.ZodType = z.ZodString>(inner?: T): T {
  const base = (inner ?? z.string().min(1, 'must not be empty')) as T;
  return base.meta({ writeOnly: true }) as T;
}

/** The JSON Schema keyword that marks a destination field. */
export const DESTINATION_KEYWORD = 'x-tributary-destination';

/**
 * Marks a config field that decides where the secrets go (a host, an issuer, an endpoint, the code
 * that receives them). Changing it requires every secret to be sent again: otherwise an admin who
 * can edit the pool but does not know its secrets could point them at a server of their own.
 * The mark travels in the JSON Schema as `"x-tributary-destination": true`.
 */
export function destination<T extends z.ZodType>(inner: T): T {
  return inner.meta({ [DESTINATION_KEYWORD]: true }) as T;
}

export type JsonSchema = Record<string, unknown>;

/** JSON Schema of a plugin's config, as admin UIs receive it. */
export function configJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function fieldsWhere(schema: z.ZodType, marked: (property: JsonSchema) => boolean): string[] {
  const json = configJsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties)
    .filter(([, property]) => marked(property))
    .map(([key]) => key);
}

/** Top-level config keys marked with `secret()`. */
export function secretFields(schema: z.ZodType): string[] {
  return fieldsWhere(schema, (property) => property.writeOnly === true);
}

/** Top-level config keys marked with `destination()`. */
export function destinationFields(schema: z.ZodType): string[] {
  return fieldsWhere(schema, (property) => property[DESTINATION_KEYWORD] === true);
}
