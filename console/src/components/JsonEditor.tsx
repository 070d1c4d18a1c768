import { json } from '@codemirror/lang-json';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { useMemo } from 'react';

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
  // The editable element itself carries the name (and the error state), so screen readers announce both.
  const extensions = useMemo(
    () => [json(), EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0', ...(error ? { 'aria-invalid': 'true' } : {}) })],
    [label, error],
  );
  return (
    <div>
      <div style={{ fontSize: 14, fontWeight: 500, marginBottom: 4 }} aria-hidden>
        {label}
      </div>
      <CodeMirror
        value={value}
        onChange={onChange}
        extensions={extensions}
        readOnly={readOnly}
        editable={!readOnly}
        basicSetup={{ foldGutter: false }}
        minHeight="100px"
        maxHeight="320px"
        style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 4 }}
      />
      {error && (
        <div role="alert" style={{ color: 'var(--mantine-color-red-9)', fontSize: 13, marginTop: 4 }}>
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
