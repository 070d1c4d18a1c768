/**
 * The registration form's extra fields, read from a NATIVE pool's payload schema (JSON Schema of the
 * user document; registration fills its `profile`): one field per profile property the page can render (strings, numbers,
 * booleans, enums), labelled by its `title`. The pool's schema stays the judge: the values go to the
 * registration service, which validates them with ajv like `POST /auth/register`.
 */
export interface PayloadField {
  name: string;
  label: string;
  kind: 'text' | 'email' | 'date' | 'url' | 'tel' | 'number' | 'checkbox' | 'select';
  required: boolean;
  options?: string[];
  description?: string;
}

type Schema = { type?: unknown; title?: unknown; description?: unknown; format?: unknown; enum?: unknown; properties?: unknown; required?: unknown };

const FORMATS: Record<string, PayloadField['kind']> = { email: 'email', date: 'date', uri: 'url', url: 'url' };

export function payloadFields(schema: Record<string, unknown> | null | undefined): PayloadField[] {
  // The pool's schema describes the user document `{ profile, metadata }`; registration fills the profile.
  const document = (schema ?? {}) as Schema;
  const profile = document.properties && typeof document.properties === 'object' ? (document.properties as Record<string, Schema>).profile : undefined;
  const root = profile && typeof profile === 'object' ? profile : document;
  const properties = root.properties && typeof root.properties === 'object' ? (root.properties as Record<string, Schema>) : {};
  const required = new Set(Array.isArray(root.required) ? root.required.filter((name): name is string => typeof name === 'string') : []);
  const fields: PayloadField[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (!property || typeof property !== 'object' || !/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(name)) continue;
    const label = typeof property.title === 'string' && property.title ? property.title : name.replace(/[_-]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
    const description = typeof property.description === 'string' ? property.description : undefined;
    const base = { name, label, required: required.has(name), ...(description ? { description } : {}) };
    if (Array.isArray(property.enum) && property.enum.every((value) => typeof value === 'string')) {
      fields.push({ ...base, kind: 'select', options: property.enum as string[] });
    } else if (property.type === 'string') {
      const kind = typeof property.format === 'string' ? FORMATS[property.format] : undefined;
      fields.push({ ...base, kind: kind ?? (name.includes('phone') ? 'tel' : 'text') });
    } else if (property.type === 'integer' || property.type === 'number') {
      fields.push({ ...base, kind: 'number' });
    } else if (property.type === 'boolean') {
      fields.push({ ...base, kind: 'checkbox' });
    }
  }
  return fields;
}

/** The submitted form's values as the payload the schema expects: numbers as numbers, checkboxes as booleans, empty optional fields left out. */
export function payloadFromForm(fields: PayloadField[], form: Record<string, unknown>): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = form[`payload.${field.name}`];
    const value = typeof raw === 'string' ? raw.trim() : '';
    if (field.kind === 'checkbox') payload[field.name] = value === 'on';
    else if (value === '') continue;
    else if (field.kind === 'number') payload[field.name] = Number.isFinite(Number(value)) ? Number(value) : value;
    else payload[field.name] = value;
  }
  return payload;
}
