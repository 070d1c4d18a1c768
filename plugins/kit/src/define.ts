import type { z } from 'zod';
import { destinationFields, secretFields } from './secret.js';
import type { PoolSource, PoolSourceDefinition, SourceType } from './types.js';

/** Bumped on any breaking change to the plugin contract. */
export const KIT_VERSION = 2;

const KEY_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

export function definePoolSource<T extends SourceType, S extends z.ZodType>(definition: PoolSourceDefinition<T, S>): PoolSource<T, S> {
  if (!KEY_PATTERN.test(definition.key)) {
    throw new TypeError(`pool source key "${definition.key}" must match ${KEY_PATTERN}`);
  }
  if (definition.type !== 'EXTERNAL' && definition.type !== 'IDP_FEDERATION') {
    throw new TypeError(`pool source "${definition.key}": type must be EXTERNAL or IDP_FEDERATION`);
  }
  const secrets = secretFields(definition.config);
  const destinations = destinationFields(definition.config);
  const both = secrets.find((field) => destinations.includes(field));
  if (both) throw new TypeError(`pool source "${definition.key}": config field "${both}" cannot be both a secret and a destination`);
  return Object.freeze({
    ...definition,
    kitVersion: KIT_VERSION,
    secretFields: Object.freeze(secrets),
    destinationFields: Object.freeze(destinations),
  });
}

export interface ConfigIssue {
  /** Dotted path inside the config, such as `clientSecret` or `attributeMapping.email`. */
  path: string;
  message: string;
}

export type ConfigValidation<S extends z.ZodType> = { ok: true; config: z.output<S> } | { ok: false; issues: ConfigIssue[] };

/** Validates raw config against the plugin's schema; issues name the field. */
export function validateConfig<S extends z.ZodType>(source: PoolSource<SourceType, S>, raw: unknown): ConfigValidation<S> {
  const result = source.config.safeParse(raw);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  };
}
