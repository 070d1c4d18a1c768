import { z } from 'zod';

/**
 * Marks a config field as secret: stored encrypted, write-only over the admin API, never logged.
 * The mark travels in the JSON Schema as `writeOnly: true`, so admin UIs render a password field.
 */
export function secret<T extends z.ZodType = z.ZodString>(inner?: T): T {
  const base = (inner ?? z.string().min(1, 'must not be empty')) as T;
  return base.meta({ writeOnly: true }) as T;
}

export type JsonSchema = Record<string, unknown>;

/** JSON Schema of a plugin's config, as admin UIs receive it. */
export function configJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/** Top-level config keys marked with `secret()`. */
export function secretFields(schema: z.ZodType): string[] {
  const json = configJsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties)
    .filter(([, property]) => property.writeOnly === true)
    .map(([key]) => key);
}
