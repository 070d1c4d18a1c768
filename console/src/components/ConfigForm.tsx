import Form from '@rjsf/mantine';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo } from 'react';

export const SECRET_MASK = '********';

interface Props {
  schema: Record<string, unknown>;
  secretFields: string[];
  /** Editing a pool: its secrets are set (and masked); leaving one empty keeps it. */
  editing: boolean;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  /** Server messages by config key (from extensions.field `input.config.<key>`). */
  errors: Record<string, string>;
}

/**
 * A pool's config as a form rendered from its source's JSON Schema (poolSources.configSchema). Secret
 * fields are write-only: the API never returns them, the form shows a password box that starts empty.
 * Checking is the server's (it names the wrong field); the form only renders.
 */
export function ConfigForm({ schema, secretFields, editing, value, onChange, errors }: Props) {
  const { rjsfSchema, uiSchema } = useMemo(() => {
    // rjsf's validator is draft-07: the schema's draft tag is dropped (the keywords used are common to both).
    const { $schema: _draft, ...rest } = schema;
    const copy = structuredClone(rest) as RJSFSchema;
    const ui: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
    for (const field of secretFields) {
      ui[field] = { 'ui:widget': 'password', 'ui:placeholder': editing ? 'Set: leave empty to keep it' : '', 'ui:autocomplete': 'new-password' };
    }
    if (editing && Array.isArray(copy.required)) copy.required = copy.required.filter((name) => !secretFields.includes(name));
    return { rjsfSchema: copy, uiSchema: ui };
  }, [schema, secretFields, editing]);
  const extraErrors = useMemo(
    () => Object.fromEntries(Object.entries(errors).map(([key, message]) => [key, { __errors: [message] }])) as ErrorSchema,
    [errors],
  );
  return (
    <Form
      tagName="div"
      schema={rjsfSchema}
      uiSchema={uiSchema}
      validator={validator}
      formData={value}
      onChange={(event) => onChange((event.formData ?? {}) as Record<string, unknown>)}
      extraErrors={extraErrors}
      noHtml5Validate
      showErrorList={false}
      idPrefix="config"
    />
  );
}

/** The config as the API takes it: secret fields left empty (or masked) are left out, so they keep their value. */
export function configForSave(value: Record<string, unknown>, secretFields: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key, v]) => !(secretFields.includes(key) && (v === undefined || v === '' || v === SECRET_MASK))));
}

/** A stored config as the form starts from it: masked secrets become empty boxes. */
export function configForForm(config: Record<string, unknown>, secretFields: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !secretFields.includes(key)));
}
