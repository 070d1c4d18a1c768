import { json } from '@codemirror/lang-json';
import CodeMirror from '@uiw/react-codemirror';

/** A JSON object in a code editor; the caller parses it (and says where it is wrong) on save. */
export function JsonEditor({
  label,
  value,
  onChange,
  readOnly,
  error,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  readOnly?: boolean;
  error?: string;
}) {
  return (
    <div>
      <div style={{ fontSize: 14, fontWeight: 500, marginBottom: 4 }}>{label}</div>
      <CodeMirror
        value={value}
        onChange={onChange}
        extensions={[json()]}
        readOnly={readOnly}
        editable={!readOnly}
        aria-label={label}
        basicSetup={{ foldGutter: false }}
        minHeight="100px"
        maxHeight="320px"
        style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 4 }}
      />
      {error && (
        <div role="alert" style={{ color: 'var(--mantine-color-red-8)', fontSize: 13, marginTop: 4 }}>
          {error}
        </div>
      )}
    </div>
  );
}

/** Parses an editor's text as a JSON object, or says why it is not one. */
export function parseObject(text: string): { value: Record<string, unknown> } | { error: string } {
  try {
    const value: unknown = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'must be a JSON object' };
    return { value: value as Record<string, unknown> };
  } catch (error) {
    return { error: `not valid JSON: ${(error as Error).message}` };
  }
}
