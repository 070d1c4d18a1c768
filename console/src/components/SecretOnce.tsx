import { Alert, Code, CopyButton, Button, Group, Text } from '@mantine/core';

/** A secret the server shows in one answer only: shown here once, with a copy button, never stored. */
export function SecretOnce({ title, label, secret, onDone }: { title: string; label: string; secret: string; onDone: () => void }) {
  return (
    <Alert color="yellow" title={title} mb="md" role="status">
      <Text size="sm" mb="xs">
        Copy it now: it is stored hashed and will not be shown again.
      </Text>
      <Group wrap="wrap">
        <Code data-testid="secret-once" aria-label={label} style={{ wordBreak: 'break-all' }}>
          {secret}
        </Code>
        <CopyButton value={secret}>
          {({ copied, copy }) => (
            <Button size="xs" variant="light" onClick={copy}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
        <Button size="xs" variant="default" onClick={onDone}>
          Done
        </Button>
      </Group>
    </Alert>
  );
}
