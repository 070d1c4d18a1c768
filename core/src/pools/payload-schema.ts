import { createHash } from 'node:crypto';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';

/**
 * A native pool's payload schema: a JSON Schema (draft 2020-12, with the ajv-formats formats) over the
 * user's data document `{ profile, metadata }`. Registration validates `{ profile: <payload>, metadata: {} }`
 * (an end user writes their own profile, never the app-owned metadata); an admin's updateUser validates
 * the document as the edit leaves it. Compiled once per schema (cache keyed by its digest), so an edit of
 * the schema takes effect at once and an unchanged one is never compiled again.
 */

/** Big enough for any real form; a bound on the compile work an admin can ask for. */
export const MAX_SCHEMA_BYTES = 64 * 1024;
const CACHE_SIZE = 100;

const addFormats = formats as unknown as (ajv: Ajv2020) => Ajv2020;

function newAjv(): Ajv2020 {
  // strictSchema: an unknown keyword (a typo such as "requierd") is refused when the schema is set, not ignored at every registration.
  const ajv = new Ajv2020({ allErrors: false, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, validateFormats: true });
  return addFormats(ajv);
}

const ajv = newAjv();
/** By digest; insertion order is age. Ajv keeps every schema it compiled until it is removed: evicted ones are. */
const cache = new Map<string, { validate: ValidateFunction; schema: object }>();

export interface PayloadProblem {
  /** JSON Pointer into the validated document (e.g. `/profile/name`). */
  path: string;
  message: string;
}

const digestOf = (schema: object): string => createHash('sha256').update(JSON.stringify(schema)).digest('base64url');

/** Throws with ajv's message when the schema itself is not valid (at pool create and update). */
export function compilePayloadSchema(schema: Record<string, unknown>): ValidateFunction {
  const key = digestOf(schema);
  const cached = cache.get(key);
  if (cached) return cached.validate;
  if (JSON.stringify(schema).length > MAX_SCHEMA_BYTES) throw new Error(`is larger than ${MAX_SCHEMA_BYTES} bytes`);
  // Schemas are compiled anonymously: an `$id` would otherwise clash with the same schema compiled before.
  const { $id: _id, ...anonymous } = schema;
  const validate = ajv.compile(anonymous);
  if (cache.size >= CACHE_SIZE) {
    const [oldest, entry] = cache.entries().next().value!;
    cache.delete(oldest);
    ajv.removeSchema(entry.schema);
  }
  cache.set(key, { validate, schema: anonymous });
  return validate;
}

/** Null when `document` satisfies the schema; else the first failure with its path. */
export function checkAgainstSchema(schema: Record<string, unknown>, document: { profile: unknown; metadata: unknown }): PayloadProblem | null {
  const validate = compilePayloadSchema(schema);
  if (validate(document)) return null;
  const error = validate.errors![0]!;
  return { path: pathOf(error), message: messageOf(error) };
}

/** The failing member: for a missing required property, the property itself rather than its parent. */
function pathOf(error: ErrorObject): string {
  if (error.keyword === 'required') return `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}`;
  if (error.keyword === 'additionalProperties') return `${error.instancePath}/${(error.params as { additionalProperty: string }).additionalProperty}`;
  return error.instancePath || '/';
}

function messageOf(error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not allowed';
  return error.message ?? 'is not valid';
}
