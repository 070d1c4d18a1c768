import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { keyWasRefused, signIn } from '../auth';

/** Checks the key with one request before keeping it, so a mistyped key is said here, not on the next page. */
export function SignInPage() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(keyWasRefused() ? 'The server no longer accepts that key: sign in again.' : null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = key.trim();
    if (!value) return setError('Enter an admin key.');
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${value}` },
        body: JSON.stringify({ query: '{ adminKeys { id } }' }),
      });
      if (response.status === 401) return setError('That key is not valid (or was revoked).');
      if (!response.ok) return setError(`The server answered ${response.status}.`);
      signIn(value);
    } catch {
      setError('The server could not be reached.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder p="xl" w={420} maw="100%" radius="md">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={1} size="h3">
              Tributary admin
            </Title>
            <Text size="sm" c="dimmed">
              Sign in with an admin key (`pnpm tributary admin-key create --name NAME`, or the bootstrap key printed at first start). It is kept for this tab
              only.
            </Text>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <PasswordInput label="Admin key" value={key} onChange={(e) => setKey(e.currentTarget.value)} autoComplete="off" data-autofocus required />
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
