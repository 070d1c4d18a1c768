import Form from '@rjsf/mantine';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { JsonEditor, parseObject } from './JsonEditor';

export const SECRET_MASK = '********';

interface Props {
  schema: Record<string, unknown>;
  secretFields: string[];
  /** Editing a pool: its secrets are set (and masked); leaving one empty keeps it. */
  editing: boolean;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  /** Messages by config path (`passwordPolicy.minLength`, from extensions.field `input.config.<path>`, or a JSON field's own). */
  errors: Record<string, string>;
}

type Property = { type?: unknown; properties?: unknown; anyOf?: Property[]; title?: string; description?: string; writeOnly?: boolean };

/**
 * Top-level fields that hold free-form JSON (an object with no declared properties, such as a native
 * pool's payload schema): a form cannot render them, so they are edited as JSON text. So are secret
 * objects (Firebase's passwordHashConfig): as nested inputs they would start filled with the schema's
 * defaults, and an untouched one would be sent as half a secret instead of being kept.
 */
export function jsonFieldsOf(schema: Record<string, unknown>): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Property>;
  return Object.entries(properties)
    .filter(([, property]) => (property.anyOf ?? [property]).some((branch) => branch.type === 'object' && (!branch.properties || property.writeOnly === true)))
    .map(([key]) => key);
}

/**
 * A pool's config as a form rendered from its source's JSON Schema (poolSources.configSchema). Secret
 * fields are write-only: the API never returns them, the form shows a password box that starts empty.
 * Checking is the server's (it names the wrong field); the form only renders.
 */
export function ConfigForm({ schema, secretFields, editing, value, onChange, errors }: Props) {
  const jsonFields = useMemo(() => jsonFieldsOf(schema), [schema]);
  const { rjsfSchema, uiSchema } = useMemo(() => {
    // rjsf's validator is draft-07: the schema's draft tag is dropped (the keywords used are common to both).
    const { $schema: _draft, ...rest } = schema;
    const copy = structuredClone(rest) as RJSFSchema;
    for (const field of jsonFields) delete copy.properties?.[field];
    if (Array.isArray(copy.required)) copy.required = copy.required.filter((name) => !jsonFields.includes(name));
    const ui: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
    for (const field of secretFields) {
      ui[field] = { 'ui:widget': 'password', 'ui:placeholder': editing ? 'Set: leave empty to keep it' : '', 'ui:autocomplete': 'new-password' };
    }
    if (editing && Array.isArray(copy.required)) copy.required = copy.required.filter((name) => !secretFields.includes(name));
    return { rjsfSchema: copy, uiSchema: ui };
  }, [schema, secretFields, editing, jsonFields]);
  const extraErrors = useMemo(() => {
    const tree: Record<string, unknown> = {};
    for (const [path, message] of Object.entries(errors)) {
      const node = path.split('.').reduce((parent, key) => (parent[key] ??= {}) as Record<string, unknown>, tree);
      node.__errors = [message];
    }
    return tree as ErrorSchema;
  }, [errors]);
  const properties = (schema.properties ?? {}) as Record<string, Property>;
  return (
    <Stack>
      <Form
        tagName="div"
        schema={rjsfSchema}
        uiSchema={uiSchema}
        validator={validator}
        formData={value}
        onChange={(event) =>
          onChange({ ...(event.formData as Record<string, unknown>), ...Object.fromEntries(jsonFields.map((field) => [field, value[field]])) })
        }
        extraErrors={extraErrors}
        noHtml5Validate
        showErrorList={false}
        idPrefix="config"
      />
      {jsonFields.map((field) => (
        <div key={field}>
          <JsonEditor
            label={`${properties[field]?.title ?? field} (JSON)`}
            value={typeof value[field] === 'string' ? value[field] : ''}
            onChange={(text) => onChange({ ...value, [field]: text })}
            error={errors[field]}
          />
          {properties[field]?.description && (
            <Text size="xs" c="dimmed" mt={4}>
              {properties[field].description}
            </Text>
          )}
        </div>
      ))}
    </Stack>
  );
}

/**
 * The config as the API takes it: secret fields left empty (or masked) are left out, so they keep their
 * value; JSON fields parsed (left out when empty, so the server's default applies), or why they are not JSON.
 */
export function configForSave(
  value: Record<string, unknown>,
  secretFields: string[],
  jsonFields: string[] = [],
): { config: Record<string, unknown>; errors: Record<string, string> } {
  const config: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (secretFields.includes(key) && (v === undefined || v === '' || v === SECRET_MASK)) continue;
    if (!jsonFields.includes(key)) config[key] = v;
    else if (typeof v === 'string' && v.trim()) {
      const parsed = parseObject(v);
      if ('error' in parsed) errors[key] = parsed.error;
      else config[key] = parsed.value;
    }
  }
  return { config, errors };
}

/** A stored config as the form starts from it: masked secrets become empty boxes, JSON fields text. */
export function configForForm(config: Record<string, unknown>, secretFields: string[], jsonFields: string[] = []): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([key]) => !secretFields.includes(key))
      .map(([key, v]) => [key, jsonFields.includes(key) ? (v === null || v === undefined ? '' : JSON.stringify(v, null, 2)) : v]),
  );
}
