import { Alert, Badge, Button, Center, Group, Loader, Modal, Stack, Text, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { apiErrors, fieldMatches } from '../errors';

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md" wrap="wrap">
      <Title order={2}>{children}</Title>
      {actions && <Group>{actions}</Group>}
    </Group>
  );
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Loader size="sm" aria-hidden />
      <Text ml="sm" c="dimmed">
        {label}…
      </Text>
    </Center>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" py="lg" ta="center">
      {children}
    </Text>
  );
}

/** The errors of a request that no form field shows: `shown` lists the fields the form displays itself. */
export function ErrorAlert({ error, shown = [] }: { error: CombinedError | undefined | null; shown?: string[] }) {
  const errors = apiErrors(error);
  const rest = [
    ...errors.general,
    ...Object.entries(errors.fields)
      .filter(([field]) => !shown.some((name) => fieldMatches(field, name)))
      .map(([, message]) => message),
  ];
  if (!rest.length) return null;
  return (
    <Alert color="red" title="The server refused this" mb="md" role="alert">
      <Stack gap={4}>
        {rest.map((message) => (
          <Text key={message} size="sm">
            {message}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}

const STATUS_COLORS: Record<string, string> = {
  UP: 'green',
  ACTIVE: 'green',
  SUCCEEDED: 'green',
  DEGRADED: 'yellow',
  RUNNING: 'blue',
  QUEUED: 'gray',
  PENDING_ACTIVATION: 'yellow',
  DOWN: 'red',
  FAILED: 'red',
  DISABLED: 'gray',
  CANCELLED: 'gray',
  UNKNOWN: 'gray',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="dot">
      {status.replaceAll('_', ' ')}
    </Badge>
  );
}

/** A button that asks before it does something that cannot be undone. */
export function ConfirmButton({
  label,
  title,
  message,
  onConfirm,
  loading,
}: {
  label: string;
  title: string;
  message: ReactNode;
  onConfirm: () => Promise<unknown> | void;
  loading?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button color="red" variant="light" onClick={() => setOpen(true)} loading={loading}>
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title} centered>
        <Stack>
          <Text>{message}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={async () => {
                setOpen(false);
                await onConfirm();
              }}
            >
              {label}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

export function formatDate(value: string | null | undefined): string {
  return value ? new Date(value).toLocaleString() : '—';
}
